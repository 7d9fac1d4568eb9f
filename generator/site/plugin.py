"""The MkDocs plugin ``maturity``: what the generated pages need from every MkDocs build.

Listed in ``mkdocs.yml`` (``plugins: [search, maturity]``; ``maturity build`` and ``maturity serve``
add it when it is missing) and registered as an ``mkdocs.plugins`` entry point, so a plain
``mkdocs build`` of the generated pages runs it too. Today it writes each team page's
``search_entry`` into the search index (:mod:`generator.site.search`); the pages themselves are
the same with or without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority

from generator.site.search import Entry, retarget_site_index


class MaturityPlugin(BasePlugin):  # type: ignore[type-arg]
    """Collects the pages' ``search_entry`` front matter and writes it into the search index."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def on_pre_build(self, *, config: Any) -> None:
        self.entries = []  # ``serve`` builds again on every change

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
        spec = page.meta.get("search_entry")
        if isinstance(spec, dict) and isinstance(spec.get("text"), str):
            path, _, anchor = str(spec.get("replaces") or "").partition("#")
            target = files.get_file_from_path(path) if path else None
            replaces = "" if target is None else target.url + (f"#{anchor}" if anchor else "")
            self.entries.append(Entry(page.url, str(page.title or ""), spec["text"], replaces))
        return markdown

    @event_priority(-50)  # after the search plugin wrote the index (0), before ``offline`` inlines it (-100)
    def on_post_build(self, *, config: Any) -> None:
        retarget_site_index(Path(config["site_dir"]), self.entries)
