"""A project as it was at one git revision (or is in the working tree), read from blobs.

Loading is split in two so a diff can stay cheap: a *listing* (which framework and
answer files exist, with their blob shas) costs one ``git ls-tree`` or one directory
scan; parsing then reads only the blobs asked for, in one ``git cat-file --batch``,
and a :class:`ParseCache` parses each distinct blob once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.answers import read_team, read_team_twice
from generator.crosswalk.loader import CATALOGUE_PATH, CROSSWALK_DIR, build_crosswalk, read_catalogue
from generator.crosswalk.model import Crosswalk
from generator.frameworks import read_framework
from generator.fsio import inside
from generator.model import Framework, Team
from generator.problems import Problem, Problems
from generator.project import ANSWERS_DIR, FRAMEWORKS_DIR, YAML_SUFFIXES, yaml_files
from generator.review.gitrepo import Git
from generator.yamlsource import MAX_FILE_BYTES

WORKTREE = "working tree"


def git_blob_sha(data: bytes) -> str:
    """The sha git gives a blob with these bytes (so working-tree files compare with committed ones)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _is_yaml(path: str) -> bool:
    return PurePosixPath(path).suffix in YAML_SUFFIXES


@dataclass
class Listing:
    """The framework and answer files of one side: path -> blob sha (and size), and how to read them."""

    revision: str  # as the user named it, or WORKTREE
    sha: str | None  # the commit, None for the working tree
    frameworks: dict[str, str]
    answers: dict[str, str]
    sizes: dict[str, int]
    read: Callable[[Iterable[str]], dict[str, bytes]]  # paths -> bytes
    #: the crosswalk's mapping files (``crosswalk/*.yaml`` but the catalogue, which is with the frameworks)
    mappings: dict[str, str] = field(default_factory=dict)

    @property
    def framework_signature(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self.frameworks.items()))

    @property
    def crosswalk_signature(self) -> tuple[tuple[str, str], ...]:
        """What inferred answers depend on: the frameworks, the catalogue and every mapping file."""
        return (*self.framework_signature, *sorted(self.mappings.items()))


def list_revision(git: Git, rev: str, sha: str) -> Listing:
    """The files of commit ``sha`` (one ``git ls-tree``); blobs are read later, in one batch."""
    frameworks: dict[str, str] = {}
    answers: dict[str, str] = {}
    mappings: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for entry in git.tree(sha, (FRAMEWORKS_DIR, ANSWERS_DIR, CROSSWALK_DIR)):
        nested = entry.path.startswith(CROSSWALK_DIR + "/") and "/" in entry.path[len(CROSSWALK_DIR) + 1 :]
        if not _is_yaml(entry.path) or nested:  # the crosswalk is one folder, as `maturity validate` reads it
            continue
        bucket = _bucket(entry.path, frameworks, answers, mappings)
        bucket[entry.path] = entry.sha
        sizes[entry.path] = entry.size

    def read(paths: Iterable[str]) -> dict[str, bytes]:
        paths = list(paths)
        shas = {p: frameworks.get(p) or mappings.get(p) or answers[p] for p in paths}
        blobs = git.blobs(shas.values())
        return {p: blobs[s] for p, s in shas.items() if s in blobs}

    return Listing(rev, sha, dict(sorted(frameworks.items())), dict(sorted(answers.items())), sizes, read, mappings)


def _bucket(path: str, frameworks: dict[str, str], answers: dict[str, str], mappings: dict[str, str]) -> dict[str, str]:
    """Where a listed file goes: answers, mappings, or frameworks (the catalogue is read with the frameworks)."""
    if path.startswith(ANSWERS_DIR + "/"):
        return answers
    if path.startswith(CROSSWALK_DIR + "/") and path != CATALOGUE_PATH:
        return mappings
    return frameworks


def list_worktree(root: Path) -> Listing:
    """The files on disk under ``root``, uncommitted edits and untracked files included."""
    frameworks: dict[str, str] = {}
    answers: dict[str, str] = {}
    mappings: dict[str, str] = {}
    sizes: dict[str, int] = {}
    data: dict[str, bytes] = {}
    for folder in (FRAMEWORKS_DIR, ANSWERS_DIR, CROSSWALK_DIR):
        for path in yaml_files(root / folder):
            rel = path.relative_to(root).as_posix()
            if folder == CROSSWALK_DIR and path.parent != root / CROSSWALK_DIR:
                continue  # the crosswalk is one folder, as `maturity validate` reads it
            bucket = _bucket(rel, frameworks, answers, mappings)
            if not inside(path, root):
                continue  # a link out of the repository is never read (validate reports it)
            try:
                size = path.stat().st_size
                if size > MAX_FILE_BYTES:
                    bucket[rel] = f"size:{size}"
                    sizes[rel] = size
                    continue
                content = path.read_bytes()
            except OSError:
                continue
            bucket[rel] = git_blob_sha(content)
            sizes[rel] = len(content)
            data[rel] = content

    def read(paths: Iterable[str]) -> dict[str, bytes]:
        return {p: data[p] for p in paths if p in data}

    return Listing(WORKTREE, None, frameworks, answers, sizes, read, mappings)


@dataclass
class ParseCache:
    """Parsed files by blob sha (and, for answers, the frameworks they were checked against)."""

    frameworks: dict[tuple[str, str], tuple[Framework | None, tuple[Problem, ...]]] = field(default_factory=dict)
    teams: dict[tuple[str, str, object], tuple[Team | None, tuple[Problem, ...]]] = field(default_factory=dict)
    crosswalks: dict[object, Crosswalk | None] = field(default_factory=dict)
    #: the practice catalogue (as a framework) and its problems, by blob sha
    catalogues: dict[str, tuple[Framework | None, tuple[Problem, ...]]] = field(default_factory=dict)

    def framework(self, path: str, sha: str, data: bytes) -> tuple[Framework | None, tuple[Problem, ...]]:
        key = (sha, path)
        if key not in self.frameworks:
            problems = Problems()
            fw = read_framework(Path(path), problems, path, data=data)
            self.frameworks[key] = (fw, tuple(problems.items))
        return self.frameworks[key]

    def team(
        self,
        path: str,
        sha: str,
        data: bytes,
        frameworks: Mapping[str, Framework],
        signature: object,
        catalogue: Framework | None = None,
    ) -> tuple[Team | None, tuple[Problem, ...]]:
        key = (sha, path, signature)
        if key not in self.teams:
            problems = Problems()
            team = read_team(Path(path), frameworks, problems, path, data=data, catalogue=catalogue)
            self.teams[key] = (team, tuple(problems.items))
        return self.teams[key]


def too_big(path: str, size: int) -> Problem:
    return Problem(path, 1, 1, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes (skipped)")


@dataclass
class Snapshot:
    """The frameworks and the parsed teams of one side, with what could not be read."""

    listing: Listing
    frameworks: dict[str, Framework]
    framework_shas: dict[str, str]  # framework id -> blob sha
    teams: dict[str, Team]
    team_shas: dict[str, str]  # team id -> blob sha of its answer file
    invalid: set[str]  # answer files that could not be read or parsed
    problems: Problems
    crosswalk: Crosswalk | None = None  # None when the revision has none (or it has errors)

    @property
    def revision(self) -> str:
        return self.listing.revision


def load_frameworks(listing: Listing, cache: ParseCache, problems: Problems) -> tuple[dict[str, Framework], dict[str, str]]:
    """Parse every framework file of ``listing`` (cached by blob sha)."""
    frameworks: dict[str, Framework] = {}
    shas: dict[str, str] = {}
    wanted = []
    for path, sha in listing.frameworks.items():
        if path == CATALOGUE_PATH:
            continue
        if listing.sizes.get(path, 0) > MAX_FILE_BYTES:
            problems.items.append(too_big(path, listing.sizes[path]))
        elif (sha, path) not in cache.frameworks:
            wanted.append(path)
    data = listing.read(wanted) if wanted else {}
    for path, sha in listing.frameworks.items():
        if listing.sizes.get(path, 0) > MAX_FILE_BYTES or path == CATALOGUE_PATH:
            continue
        fw, found = cache.framework(path, sha, data.get(path, b""))
        problems.items.extend(found)
        if fw is None:
            continue
        if fw.id in frameworks:
            problems.add(path, 1, 1, f"framework id `{fw.id}` is also defined in {frameworks[fw.id].path}")
            continue
        frameworks[fw.id] = fw
        shas[fw.id] = sha
    return frameworks, shas


def load_catalogue(listing: Listing, problems: Problems, cache: ParseCache | None = None) -> Framework | None:
    """The practice catalogue of ``listing`` as a framework (what a team's ``practices:`` block answers), if any.

    With ``cache``, each catalogue blob is parsed once.
    """
    if CATALOGUE_PATH not in listing.frameworks or listing.sizes.get(CATALOGUE_PATH, 0) > MAX_FILE_BYTES:
        return None
    sha = listing.frameworks[CATALOGUE_PATH]
    if cache is None or sha not in cache.catalogues:
        found = Problems()
        data = listing.read([CATALOGUE_PATH]).get(CATALOGUE_PATH, b"")
        catalogue = read_catalogue(Path(CATALOGUE_PATH), found, CATALOGUE_PATH, data)
        parsed = (catalogue.framework if catalogue is not None else None, tuple(found.items))
        if cache is None:
            problems.items.extend(parsed[1])
            return parsed[0]
        cache.catalogues[sha] = parsed
    framework, known = cache.catalogues[sha]
    problems.items.extend(known)
    return framework


def load_crosswalk(listing: Listing, frameworks: Mapping[str, Framework], cache: ParseCache) -> Crosswalk | None:
    """The catalogue and mappings of ``listing`` (parsed once per set of blobs); None when absent or invalid.

    Its problems are ``maturity validate``'s to report; a diff then shows explicit answers only.
    """
    if CATALOGUE_PATH not in listing.frameworks:
        return None
    key = listing.crosswalk_signature
    if key not in cache.crosswalks:
        paths = [CATALOGUE_PATH, *listing.mappings]
        if any(listing.sizes.get(p, 0) > MAX_FILE_BYTES for p in paths):
            cache.crosswalks[key] = None
        else:
            data = {Path(p): b for p, b in listing.read(paths).items()}
            maps = [Path(p) for p in listing.mappings]
            cache.crosswalks[key] = build_crosswalk(Path(CATALOGUE_PATH), maps, frameworks, Problems(), Path.as_posix, data)
    return cache.crosswalks[key]


def load_snapshot(listing: Listing, cache: ParseCache, answer_paths: Iterable[str] | None = None) -> Snapshot:
    """Parse the frameworks and the answer files ``answer_paths`` (default: all) of ``listing``."""
    problems = Problems()
    frameworks, fw_shas = load_frameworks(listing, cache, problems)
    catalogue = load_catalogue(listing, problems, cache)
    signature = listing.framework_signature
    paths = list(listing.answers if answer_paths is None else answer_paths)
    teams: dict[str, Team] = {}
    team_shas: dict[str, str] = {}
    invalid: set[str] = set()
    readable = []
    for path in paths:
        size = listing.sizes.get(path, 0)
        if size > MAX_FILE_BYTES:
            problems.items.append(too_big(path, size))
            invalid.add(path)
        elif (listing.answers[path], path, signature) not in cache.teams:
            readable.append(path)
    data = listing.read(readable) if readable else {}
    for path in paths:
        if path in invalid:
            continue
        sha = listing.answers[path]
        team, found = cache.team(path, sha, data.get(path, b""), frameworks, signature, catalogue)
        problems.items.extend(found)
        if team is None:
            invalid.add(path)
            continue
        if team.id in teams:
            problems.add(path, team.line, 1, f"duplicate team id `{team.id}` (also in {teams[team.id].path})")
            continue
        teams[team.id] = team
        team_shas[team.id] = sha
    crosswalk = load_crosswalk(listing, frameworks, cache)
    return Snapshot(listing, frameworks, fw_shas, teams, team_shas, invalid, problems, crosswalk)


def read_shared(base: Listing, head: Listing, cache: ParseCache) -> None:
    """Parse each answer file that is the same on both sides once, for both sides' frameworks (into ``cache``).

    Only the parts answering a framework that changed are read a second time.
    """
    sides = (base, head)
    frameworks = tuple(load_frameworks(side, cache, Problems())[0] for side in sides)
    catalogues = tuple(load_catalogue(side, Problems(), cache) for side in sides)
    signatures = tuple(side.framework_signature for side in sides)
    shared = [p for p, sha in base.answers.items() if head.answers.get(p) == sha and base.sizes.get(p, 0) <= MAX_FILE_BYTES]
    data = base.read(p for p in shared if (base.answers[p], p, signatures[0]) not in cache.teams)
    for path, content in data.items():
        sha = base.answers[path]
        reads = read_team_twice(Path(path), content, (frameworks[0], frameworks[1]), path, (catalogues[0], catalogues[1]))
        for signature, read in zip(signatures, reads, strict=True):
            cache.teams[(sha, path, signature)] = read


def load_pair(base: Listing, head: Listing, cache: ParseCache | None = None) -> tuple[Snapshot, Snapshot]:
    """Both sides, parsing only answer files that differ between them when no framework or mapping changed.

    When only the crosswalk's mappings changed every team is read (each file parsed once for both
    sides), since any team's inferred answers may move.
    """
    cache = cache or ParseCache()
    if base.framework_signature != head.framework_signature:
        read_shared(base, head, cache)
    base_paths, head_paths = paths_to_read(base, head)
    return load_snapshot(base, cache, base_paths), load_snapshot(head, cache, head_paths)


def paths_to_read(base: Listing, head: Listing) -> tuple[list[str], list[str]]:
    """The answer files each side of a diff reads: those that differ, or all when the frameworks or the crosswalk did."""
    if base.crosswalk_signature != head.crosswalk_signature:
        return list(base.answers), list(head.answers)
    base_files = set(base.answers.items())
    head_files = set(head.answers.items())
    return (
        [p for p, s in base.answers.items() if (p, s) not in head_files],
        [p for p, s in head.answers.items() if (p, s) not in base_files],
    )
