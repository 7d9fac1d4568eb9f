"""The search index leads to each team's own page.

Team pages stay out of MkDocs' search index (indexing 1000 large pages would double the build).
Each team is found through its entry on the Teams page; after MkDocs has built the site, that
entry is pointed at the team's page and given the team's group, owners and description, so a
search for a team's name, group or owner leads straight to its page. Pure data in, data out;
the file is read and written by :func:`retarget_site_index`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from generator.fsio import write_atomic
from generator.model import Team
from generator.site import links

INDEX_JSON = Path("search") / "search_index.json"
#: Written by Material's ``offline`` plugin: the same index, inlined into a script.
INDEX_JS = Path("search") / "search_index.js"


def team_summary(team: Team) -> str:
    """What search finds a team by, besides its name: group, owners, id and description (HTML-escaped)."""
    parts = [f"Group: {team.group}" if team.group else "", f"Owners: {', '.join(team.owners)}" if team.owners else ""]
    parts += [f"Team id: {team.id}", team.description or ""]
    return escape(" · ".join(p for p in parts if p))


def retarget(index: Mapping[str, Any], teams: Sequence[Team], urls: links.Urls) -> dict[str, Any]:
    """``index`` with each team's Teams-page entry pointing at the team's page and describing the team."""
    by_location = {f"{urls.url(links.TEAMS)}#team-{t.id}": t for t in teams}
    docs = []
    for doc in index.get("docs", []):
        team = by_location.get(doc.get("location", ""))
        if team is not None:
            doc = {**doc, "location": urls.url(links.team_page(team.id)), "text": team_summary(team)}
        docs.append(doc)
    return {**index, "docs": docs}


def retarget_site_index(site_dir: Path, teams: Sequence[Team], urls: links.Urls) -> None:
    """Rewrite the built site's search index (and its offline twin, when there is one) with :func:`retarget`."""
    path = site_dir / INDEX_JSON
    if not path.is_file():
        return
    data = json.dumps(retarget(json.loads(path.read_text(encoding="utf-8")), teams, urls), separators=(",", ":"))
    write_atomic(path, data)
    if (site_dir / INDEX_JS).is_file():
        write_atomic(site_dir / INDEX_JS, f"var __index = {data}")
