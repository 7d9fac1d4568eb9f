"""Raw HTML blocks kept out of MkDocs' Markdown pipeline: an accelerator, the pages come out identical without it.

The generated Markdown holds every answer table, chart and list in full, so any engine (MkDocs
without this plugin, Zensical) builds the same pages from it. Inside ``maturity build`` each raw
HTML block (a paragraph that opens with a block-level tag and closes it at its end) is swapped for
an empty element of the same tag before Markdown runs, and swapped back right after. Python's HTML
parser then never reads the block: Python-Markdown and MkDocs' anchor collection would each parse
it once, most of the time of a large build. Ids inside the blocks are still recorded for MkDocs'
anchor validation.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

#: Blocks shorter than this (characters) are left to Markdown: swapping them would not pay.
MIN_BLOCK = 200
BLOCK_TAGS = frozenset({"div", "p", "table", "figure", "details", "ol", "ul", "section", "dl", "blockquote"})
_START = re.compile(r"<([a-z]+)[\s>]")
_ID = re.compile(r"""<[a-zA-Z][^>]*?\sid=["']([^"']+)["']""")


def raw_blocks(markdown: str) -> list[str]:
    """The paragraphs of ``markdown`` that Markdown passes through as one raw HTML block.

    A paragraph (between blank lines) qualifies when it starts at the margin with a block-level
    tag, ends with that tag's end tag, opens and closes that tag equally often, and asks for no
    Markdown inside (``markdown=``).
    """
    out = []
    for chunk in markdown.split("\n\n"):
        block = chunk.strip("\n")
        if len(block) < MIN_BLOCK or not block.startswith("<") or "markdown=" in block:
            continue
        m = _START.match(block)
        if m is None or m.group(1) not in BLOCK_TAGS:
            continue
        tag = m.group(1)
        end = f"</{tag}>"
        if block.endswith(end) and len(re.findall(rf"<{tag}[\s>]", block)) == block.count(end):
            out.append(block)
    return out


class StashPlugin(BasePlugin):  # type: ignore[type-arg]
    """Swaps a page's raw HTML blocks for empty elements before Markdown, and back right after."""

    def __init__(self) -> None:
        super().__init__()
        self.nonce = secrets.token_hex(6)
        self.pages: dict[str, list[tuple[str, str]]] = {}
        #: The URL of every page rendered (a dirty build renders only the pages that changed).
        self.rendered: set[str] = set()

    @event_priority(-100)  # last: other plugins see the whole Markdown
    def on_page_markdown(self, markdown: str, page: Any, **kwargs: Any) -> str:
        pairs = []
        parts = markdown.split("\n\n")
        wanted = set(raw_blocks(markdown))
        for i, chunk in enumerate(parts):
            block = chunk.strip("\n")
            if block in wanted:
                tag = _START.match(block).group(1)  # type: ignore[union-attr]
                token = f'<{tag} data-mcstash="{self.nonce}-{i}"></{tag}>'
                pairs.append((token, block))
                parts[i] = chunk.replace(block, token)
        self.pages[page.file.src_uri] = pairs
        return "\n\n".join(parts)

    @event_priority(100)  # first: other plugins see the whole HTML
    def on_page_content(self, html: str, page: Any, **kwargs: Any) -> str:
        self.rendered.add(page.url)
        for token, block in self.pages.pop(page.file.src_uri, ()):
            if token not in html:  # Markdown did not keep it as raw HTML: the page would lose content
                raise PluginError(f"{page.file.src_uri}: a raw HTML block was not kept as written; please report this as a bug")
            html = html.replace(token, block, 1)
            if page.present_anchor_ids is not None:
                page.present_anchor_ids.update(_ID.findall(block))
        return html
