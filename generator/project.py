"""Finding and loading a whole assessment repository: frameworks, answers, and the checks across them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from generator import freshness
from generator.answers import read_team
from generator.crosswalk.checks import check_teams
from generator.crosswalk.loader import CROSSWALK_DIR, load_crosswalk
from generator.crosswalk.model import Crosswalk
from generator.frameworks import read_framework
from generator.fsio import OUTSIDE, inside_resolved
from generator.model import SAFE_PATH, Framework, Team
from generator.parallel import collector_paused
from generator.problems import MaturityError, Problem, Problems
from generator.settings import Settings, load_settings

FRAMEWORKS_DIR = "frameworks"
ANSWERS_DIR = "answers"
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Project:
    """Everything loaded from one repository, with the problems found on the way."""

    root: Path
    frameworks: Mapping[str, Framework]
    teams: tuple[Team, ...]
    problems: Problems
    #: ``maturity.yml`` (the defaults when the repository has none).
    settings: Settings = Settings()
    crosswalk: Crosswalk | None = None

    def team(self, team_id: str) -> Team | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def answerable(self) -> Mapping[str, Framework]:
        """Every framework a team can answer, with the practice catalogue (as ``practices``) when there is a crosswalk."""
        if self.crosswalk is None:
            return self.frameworks
        catalogue = self.crosswalk.catalogue.framework
        return MappingProxyType({**self.frameworks, catalogue.id: catalogue})

    def answered_by(self, team: Team) -> list[str]:
        """The ids of what ``team`` answered, in order: its frameworks, then the practice catalogue (its workbook's sheets)."""
        return [fid for fid in self.answerable() if team.answers_to(fid) is not None]

    @property
    def ok(self) -> bool:
        return not self.problems


def find_root(start: Path | None = None) -> Path:
    """The nearest directory (from ``start`` upwards) holding ``frameworks/``; else ``start``."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / FRAMEWORKS_DIR).is_dir():
            return candidate
    return here


def yaml_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())


def keep_inside(paths: Iterable[Path], root: Path, problems: Problems) -> list[Path]:
    """The files that may be read: inside the repository, with a safe name; each other one is a problem.

    The problem never shows where a link leads, and a name with a line break or other unsafe characters
    is refused before it can become a CODEOWNERS line, a URL or a log line.
    """
    kept = []
    try:
        real_root = root.resolve()
    except (OSError, RuntimeError):
        real_root = root
    for path in paths:
        if not inside_resolved(path, real_root):
            problems.add(display_path(path, root), 0, 0, OUTSIDE)
        elif not SAFE_PATH.match(_relative(path, root)):
            problems.add(display_path(path, root), 0, 0, UNSAFE_NAME)
        else:
            kept.append(path)
    return kept


UNSAFE_NAME = "file name not accepted: use letters, digits, `.`, `_` and `-` only (paths become CODEOWNERS lines and URLs)"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root).as_posix()
    except ValueError:
        return path.name


def display_path(path: Path, root: Path) -> str:
    """The path relative to the repository as the user sees it (links not followed), else as given."""
    for candidate in (path.resolve(), path.absolute()):
        try:
            return str(candidate.relative_to(root))
        except ValueError:
            continue
    return str(path)


def load_frameworks(paths: Iterable[Path], root: Path, problems: Problems) -> dict[str, Framework]:
    frameworks: dict[str, Framework] = {}
    for path in paths:
        fw = read_framework(path, problems, display_path(path, root))
        if fw is None:
            continue
        if fw.id in frameworks:
            problems.add(fw.path, 1, 1, f"framework id `{fw.id}` is also defined in {frameworks[fw.id].path}")
            continue
        frameworks[fw.id] = fw
    return frameworks


#: Answer files read before, by path: ((mtime, size) when read, the team or None, the problems found in it).
#: Valid only for the same frameworks, crosswalk and day: whoever keeps one clears it when those change.
TeamCache = dict[Path, tuple[tuple[int, int], Team | None, tuple[Problem, ...]]]


def _read_team_cached(
    path: Path, cache: TeamCache, problems: Problems, read: Callable[[Path, Problems], Team | None]
) -> Team | None:
    """``read(path)``, or what it gave last time when the file has the same modification time and size."""
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, -1)
    hit = cache.get(path)
    if hit is None or hit[0] != stamp or stamp[1] < 0:
        found = Problems()
        hit = (stamp, read(path, found), tuple(found.items))
        cache[path] = hit
    problems.items.extend(hit[2])
    return hit[1]


def load_teams(
    paths: Iterable[Path],
    frameworks: Mapping[str, Framework],
    root: Path,
    problems: Problems,
    today: dt.date | None = None,
    catalogue: Framework | None = None,
    cache: TeamCache | None = None,
) -> list[Team]:
    """The teams of ``paths`` (duplicates refused); with ``cache``, an unchanged file is not read again."""
    teams: list[Team] = []
    seen: dict[str, Team] = {}

    def read(path: Path, into: Problems) -> Team | None:
        return read_team(path, frameworks, into, display_path(path, root), today=today, catalogue=catalogue)

    with collector_paused():
        for path in paths:
            team = read(path, problems) if cache is None else _read_team_cached(path, cache, problems, read)
            if team is None:
                continue
            if team.id in seen:
                problems.add(team.path, team.line, 1, f"duplicate team id `{team.id}` (also in {seen[team.id].path})")
                continue
            seen[team.id] = team
            teams.append(team)
    return teams


def team_files(root: Path, team_ids: Iterable[str]) -> list[Path]:
    """The answer files that can hold ``team_ids`` (a team's file is named after its id: ``answers/**/ID.yaml``).

    Finding a few teams costs next to nothing in a large organisation: no other file is opened.
    """
    wanted = set(team_ids)
    found = [p for tid in sorted(wanted) for p in (root / ANSWERS_DIR / f"{tid}.yaml",) if p.is_file()]
    if len(found) < len(wanted):
        found += [p for p in yaml_files(root / ANSWERS_DIR) if p.stem in wanted and p not in found]
    return found


def load_project(
    root: Path | None = None,
    extra: Iterable[Path] = (),
    today: dt.date | None = None,
    only_teams: Iterable[str] | None = None,
    team_cache: TeamCache | None = None,
) -> Project:
    """Load ``frameworks/`` and ``answers/`` under ``root`` (plus any ``extra`` files or folders).

    When ``extra`` paths are given only those answer files are read (all frameworks
    still are, to check against). An extra path inside a folder named ``frameworks`` is
    read as a framework, anything else as an answer file. When ``only_teams`` (ids) is given, only
    the answer files holding those teams are read (see :func:`team_files`). ``team_cache`` keeps
    what was read of each answer file between calls (see :data:`TeamCache`).
    """
    root = (root or find_root()).resolve()
    problems = Problems()
    extra = list(extra)
    if not (root / FRAMEWORKS_DIR).is_dir():
        problems.add(
            str(root), 0, 0, f"no `{FRAMEWORKS_DIR}/` folder here or above: run in an assessment repository, or pass --root"
        )
    fw_paths = yaml_files(root / FRAMEWORKS_DIR)
    if only_teams is not None:
        team_paths = team_files(root, only_teams)
    else:
        team_paths = [] if extra else yaml_files(root / ANSWERS_DIR)
    for item in extra:
        item = item.resolve()
        if not item.exists():
            problems.add(str(item), 0, 0, "no such file or directory")
            continue
        files = yaml_files(item) if item.is_dir() else [item]
        for f in files:
            if CROSSWALK_DIR in f.parts[:-1]:
                continue  # the crosswalk is always read whole, below
            bucket = fw_paths if FRAMEWORKS_DIR in f.parts[:-1] else team_paths
            if f not in bucket:
                bucket.append(f)
    fw_paths, team_paths = keep_inside(fw_paths, root, problems), keep_inside(team_paths, root, problems)
    settings = load_settings(root, problems)
    frameworks = load_frameworks(fw_paths, root, problems)
    crosswalk = load_crosswalk(root / CROSSWALK_DIR, frameworks, problems, lambda p: display_path(p, root))
    catalogue = crosswalk.catalogue.framework if crosswalk else None
    teams = load_teams(team_paths, frameworks, root, problems, today, catalogue, team_cache)
    check_teams(teams, frameworks, crosswalk, problems)
    problems.extend(freshness.check(teams, frameworks, settings, today or dt.date.today()))
    return Project(root, MappingProxyType(frameworks), tuple(teams), problems, settings, crosswalk)


def load_valid_project(
    root: Path | None, refusal: str, today: dt.date | None = None, only_teams: Iterable[str] | None = None
) -> Project:
    """Load the project (only ``only_teams``' answer files when given), or refuse (``refusal`` says what was not done)."""
    project = load_project(root, today=today, only_teams=only_teams)
    if project.problems:
        n = len(project.problems.errors)
        raise MaturityError(f"{refusal}: {n} error{'s' if n != 1 else ''} in the frameworks or answers", project.problems)
    return project
