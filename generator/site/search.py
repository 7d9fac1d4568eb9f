"""The search index leads to each team's own page, in every MkDocs build.

Team pages stay out of MkDocs' search index (indexing 1000 large pages would double the build).
Instead each team page declares, in its front matter, one short entry: the team's name, group,
owners and description, and the index entry it takes the place of (the team's heading on the Teams
page, when the Teams page lists teams one by one)::

    search:
      exclude: true
    search_entry:
      text: "Group: Payments · Owners: @org/fraud · Team id: fraud"
      replaces: teams.md#team-fraud

The MkDocs plugin ``maturity`` (:mod:`generator.site.plugin`) collects those entries while MkDocs
reads the pages and writes them into the search index after Material's search plugin has written
it (and before the ``offline`` plugin inlines it), so ``maturity build``, ``maturity serve`` and a
plain ``mkdocs build`` of the generated pages all give the same index. :func:`retarget` is pure
data in, data out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from generator.fsio import write_atomic
from generator.model import Team

INDEX_JSON = Path("search") / "search_index.json"


@dataclass(frozen=True)
class Entry:
    """One page's entry in the search index."""

    location: str  # the page's URL, relative to the site
    title: str
    text: str  # HTML
    replaces: str = ""  # the location of the index entry it takes the place of ("" when none)


def team_summary(team: Team) -> str:
    """What search finds a team by, besides its name: group, owners, id and description (HTML-escaped)."""
    parts = [f"Group: {team.group}" if team.group else "", f"Owners: {', '.join(team.owners)}" if team.owners else ""]
    parts += [f"Team id: {team.id}", team.description or ""]
    return escape(" · ".join(p for p in parts if p))


def retarget(index: Mapping[str, Any], entries: Sequence[Entry]) -> dict[str, Any]:
    """``index`` with each entry in the place of the one it replaces (keeping that one's title), the others added."""
    by_replaced = {e.replaces: e for e in entries if e.replaces}
    placed: set[str] = set()
    docs = []
    for doc in index.get("docs", []):
        entry = by_replaced.get(doc.get("location", ""))
        if entry is not None:
            doc = {**doc, "location": entry.location, "text": entry.text}
            placed.add(entry.location)
        docs.append(doc)
    docs += [{"location": e.location, "title": e.title, "text": e.text} for e in entries if e.location not in placed]
    return {**index, "docs": docs}


def retarget_site_index(site_dir: Path, entries: Sequence[Entry]) -> None:
    """Rewrite the built site's search index with :func:`retarget` (nothing to do without an index or entries)."""
    path = site_dir / INDEX_JSON
    if entries and path.is_file():
        index = json.loads(path.read_text(encoding="utf-8"))
        write_atomic(path, json.dumps(retarget(index, entries), separators=(",", ":")))
