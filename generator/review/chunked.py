"""A diff that reads many answer files, done in chunks of teams (side by side where the machine has cores).

A framework or crosswalk change makes a diff read every answer file on both sides. Then the
files are split into chunks by file name: a team's id is its file's name, so each team is in
one chunk on both sides, and every file that exists on one side only (an added, removed, moved
or renamed team) goes into the first chunk, where :func:`compare` can recognise a renaming.
Each chunk is loaded and compared with the same code as a small diff (:func:`load_pair`,
:func:`compare`), in forked workers that inherit the frameworks and crosswalk parsed here and
read their own chunk's files (:mod:`generator.parallel`). The partial diffs are joined: teams in
id order, framework and mapping changes (the same in every chunk) once, and both sides' problems.
A diff that reads few files is done in one piece.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from pathlib import PurePosixPath

from generator.parallel import MAX_WORKERS, cores, fork_map
from generator.problems import Problem, Problems
from generator.progress import Progress
from generator.review.diff import Diff, Side, compare
from generator.review.snapshot import (
    Listing,
    ParseCache,
    load_catalogue,
    load_crosswalk,
    load_frameworks,
    load_pair,
    paths_to_read,
)

#: Below this many answer files to read, one piece in this process is as fast.
CHUNKED_MIN_FILES = 200
#: Chunks per worker: several, so that the workers finish together and progress moves.
CHUNKS_PER_WORKER = 4

# Read by the workers (inherited through fork): both sides and the parse cache.
_WORK: dict[str, object] = {}


def diff_listings(base: Listing, head: Listing, max_drop: float | None = None) -> Diff:
    """What changed in maturity from ``base`` to ``head`` (see the module's docstring)."""
    cache = ParseCache()
    base_paths, head_paths = paths_to_read(base, head)
    if len(base_paths) + len(head_paths) < CHUNKED_MIN_FILES:
        return compare(*load_pair(base, head, cache), max_drop)
    for side in (base, head):  # parsed once, here, for every chunk
        frameworks, _ = load_frameworks(side, cache, Problems())
        load_catalogue(side, Problems(), cache)
        load_crosswalk(side, frameworks, cache)
    chunks = split(base, head, min(cores(), MAX_WORKERS) * CHUNKS_PER_WORKER)
    _WORK.update(base=base, head=head, cache=cache, max_drop=max_drop)
    parts: list[Diff] = []
    try:
        with Progress("comparing answer files", len(base.answers) + len(head.answers)) as progress:
            for chunk, part in zip(chunks, fork_map(_compare_chunk, chunks, 2, chunksize=1), strict=True):
                parts.append(part)
                progress.step(sum((p in base.answers) + (p in head.answers) for p in chunk))
    finally:
        _WORK.clear()
    return join(parts, base, head, max_drop)


def split(base: Listing, head: Listing, n: int) -> list[frozenset[str]]:
    """The answer paths of both sides in at most ``n`` chunks of about the same size (see the module's docstring)."""
    paths = sorted(set(base.answers) | set(head.answers))
    by_name: dict[str, list[str]] = {}
    for path in paths:
        by_name.setdefault(PurePosixPath(path).stem, []).append(path)
    one_sided = {PurePosixPath(p).stem for p in paths if (p in base.answers) != (p in head.answers)}
    chunks: list[list[str]] = [[] for _ in range(max(1, n))]
    chunks[0] = [p for name in sorted(one_sided) for p in by_name[name]]
    rest = [name for name in sorted(by_name) if name not in one_sided]
    for k, name in enumerate(rest):
        chunks[k % len(chunks)].extend(by_name[name])
    return [frozenset(c) for c in chunks if c]


def _compare_chunk(paths: frozenset[str]) -> Diff:
    base: Listing = _WORK["base"]  # type: ignore[assignment]
    head: Listing = _WORK["head"]  # type: ignore[assignment]
    cache: ParseCache = _WORK["cache"]  # type: ignore[assignment]
    max_drop: float | None = _WORK["max_drop"]  # type: ignore[assignment]
    return compare(*load_pair(_only(base, paths), _only(head, paths), cache), max_drop)


def _only(listing: Listing, paths: Collection[str]) -> Listing:
    return dataclasses.replace(listing, answers={p: s for p, s in listing.answers.items() if p in paths})


def join(parts: Sequence[Diff], base: Listing, head: Listing, max_drop: float | None) -> Diff:
    """One diff from the diffs of the chunks."""
    first = parts[0]

    def side(which: str, listing: Listing) -> Side:
        sides: list[Side] = [getattr(d, which) for d in parts]
        # a problem in an answer file is in that file's chunk only; the others (frameworks, crosswalk) are in every chunk
        problems: list[Problem] = [p for p in sides[0].problems if p.path not in listing.answers]
        problems += [p for s in sides for p in s.problems if p.path in listing.answers]
        return dataclasses.replace(sides[0], team_files=len(listing.answers), problems=tuple(Problems(problems).sorted()))

    teams = tuple(sorted((t for d in parts for t in d.teams), key=lambda t: t.team))
    return Diff(side("base", base), side("head", head), teams, first.frameworks, max_drop, first.mappings)
