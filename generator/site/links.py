"""Where every generated page and file lives, and relative links between them.

Markdown links use source paths relative to the page's Markdown file (``../team/x/index.md``), and
the engine resolves them. Links inside raw HTML blocks are left as written by MkDocs (relative to
the page's URL) but resolved against the Markdown file by Zensical; they mean the same in both
only when the Markdown file sits in the folder of its URL. So:

- team and group pages, which hold links in raw HTML, are each the index page of their own folder
  (``team/x/index.md``, URL ``team/x/``), and so is the home page (``index.md``): their raw HTML
  links are computed here as URLs relative to the page (:meth:`Urls.href`);
- framework pages keep their names (``framework/x.md``: an ``index.md`` in the navigation would
  become its section's own page under Material's ``navigation.indexes``), and their links are
  Markdown links (:func:`from_page`), inside HTML through ``md_in_html`` where needed; the other
  pages at the top (``frameworks.md``, ``teams.md``, ...) use Markdown links too.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

HOME = "index.md"
FRAMEWORKS = "frameworks.md"
TEAMS = "teams.md"
ABOUT = "about.md"


#: Team ids that would collide with a generated file or page: the section index of ``team/`` (``index``,
#: ``README``) and, through the ``blank-`` prefix, the blank workbook download of a framework.
RESERVED_TEAM_IDS = frozenset({"index", "readme"})
BLANK_PREFIX = "blank-"


def reserved_team_id(team_id: str) -> str | None:
    """Why ``team_id`` cannot be used (it would replace a generated page or file), or None."""
    if team_id.lower() in RESERVED_TEAM_IDS:
        return f"`{team_id}` is the name of the team folder's index page"
    if team_id.startswith(BLANK_PREFIX):
        return f"ids starting with `{BLANK_PREFIX}` name the blank workbooks (`downloads/{BLANK_PREFIX}<framework>.xlsx`)"
    return None


def framework_page(framework_id: str) -> str:
    return f"framework/{framework_id}.md"


def team_page(team_id: str) -> str:
    return f"team/{team_id}/index.md"


def group_page(group_slug: str) -> str:
    return f"group/{group_slug}/index.md"


#: The group of teams whose answer file names none.
NO_GROUP = "No group"


def group_slugs(names: Iterable[str]) -> dict[str, str]:
    """Each group name ("" for none) -> the unique, file-name-safe slug of its page ("Payments & Risk" -> "payments-risk")."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(set(names), key=lambda n: (n or NO_GROUP).lower()):
        base = re.sub(r"[^a-z0-9]+", "-", (name or NO_GROUP).lower()).strip("-")[:60].strip("-") or "group"
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        out[name] = slug
    return out


def team_workbook(team_id: str) -> str:
    return f"downloads/{team_id}.xlsx"


def blank_workbook(framework_id: str) -> str:
    return f"downloads/{BLANK_PREFIX}{framework_id}.xlsx"


def team_history(team_id: str, ext: str) -> str:
    return f"history/{team_id}.{ext}"


def from_page(target: str, page: str) -> str:
    """A Markdown link from the page ``page`` to ``target`` (both source paths), relative to the page's Markdown file."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


@dataclass(frozen=True)
class Urls:
    """Turns source paths into URLs relative to the page being written."""

    directory_urls: bool = True

    def url(self, src: str) -> str:
        """The site URL of a page (``team/x.md`` -> ``team/x/``) or a plain file (unchanged)."""
        if not src.endswith(".md"):
            return src
        stem = src[:-3]
        base = posixpath.basename(stem)
        if base in ("index", "README"):
            parent = posixpath.dirname(stem)
            return (
                (parent + "/" if parent else "") if self.directory_urls else (f"{parent}/index.html" if parent else "index.html")
            )
        return f"{stem}/" if self.directory_urls else f"{stem}.html"

    def href(self, target: str, page: str) -> str:
        """A link from ``page`` (a source path) to ``target`` (a source path or file)."""
        here = self.url(page)
        here_dir = here.rstrip("/") if here.endswith("/") or not here else posixpath.dirname(here)
        there = self.url(target)
        rel = posixpath.relpath(there or ".", here_dir or ".")
        if there.endswith("/") or not there:
            rel = rel.rstrip("/") + "/" if rel != "." else "./"
        return rel
