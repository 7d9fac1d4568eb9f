"""Making user-provided text safe for Markdown + HTML pages.

Everything a team writes (names, groups, notes, evidence links) is shown as text:
HTML is escaped, Markdown syntax is neutralised, links are kept only when they are
http(s), mailto or relative paths.
"""

from __future__ import annotations

import html
import json
import re

from markupsafe import Markup

#: Characters with a meaning in Markdown (and its common extensions), written as numeric entities.
_MD_CHARS = "\\`*_{}[]()#+-.!|~:=^$"
_MD_TABLE = {ord(c): f"&#{ord(c)};" for c in _MD_CHARS} | {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord('"'): "&quot;",
    ord("'"): "&#39;",
}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES = ("http", "https", "mailto")
_BAD_URL_CHARS = re.compile(r"[\s<>\"'`\\\x00-\x1f\x7f]")
_MD_LINK_SCHEME = re.compile(r"(\]\(\s*<?\s*)([A-Za-z][A-Za-z0-9+.-]*):", re.MULTILINE)
_MD_REF_SCHEME = re.compile(r"^(\s{0,3}\[[^\]\n]+\]:\s*<?\s*)([A-Za-z][A-Za-z0-9+.-]*):", re.MULTILINE)


def md_inline(text: str) -> Markup:
    """Text shown literally inside Markdown: one line, HTML escaped, Markdown characters as entities."""
    one_line = " ".join(str(text).split())
    return Markup(one_line.translate(_MD_TABLE))


def html_text(text: str) -> Markup:
    """Text for an HTML element (kept on one source line; newlines become entities for ``white-space: pre-line``)."""
    return Markup(html.escape(str(text), quote=True).replace("\r\n", "\n").replace("\n", "&#10;"))


def title_text(text: str) -> Markup:
    """A page title for front matter: HTML escaped (MkDocs themes print titles unescaped), as a YAML string."""
    return Markup(json.dumps(html.escape(" ".join(str(text).split()), quote=True)))


def _keep_scheme(match: re.Match[str]) -> str:
    scheme = match.group(2)
    return match.group(0) if scheme.lower() in _SAFE_SCHEMES else f"{match.group(1)}#blocked-{scheme}-"


def md_block(text: str) -> Markup:
    """Markdown written by framework authors: Markdown formatting is kept, raw HTML and script links are not.

    ``<`` is escaped (no raw HTML, no autolinks), links with a scheme other than http(s)/mailto are
    disabled, and attribute lists (``{: ...}``) are neutralised.
    """
    text = str(text).replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace("{:", "&#123;:").replace("{ :", "&#123; :")
    text = _MD_LINK_SCHEME.sub(_keep_scheme, text)
    text = _MD_REF_SCHEME.sub(_keep_scheme, text)
    return Markup(text)


def safe_url(url: str) -> str | None:
    """The link if it is http(s), mailto or a relative path without odd characters; else None (show it as text)."""
    url = str(url).strip()
    if not url or _BAD_URL_CHARS.search(url):
        return None
    scheme = _SCHEME.match(url)
    if scheme:
        name = scheme.group(1).lower()
        if name not in _SAFE_SCHEMES:
            return None
        if name in ("http", "https") and not url.lower().startswith(f"{name}://"):
            return None
        return url
    if url.startswith("//"):
        return None
    return url


def xml_text(text: str) -> str:
    """Text inside SVG elements and attributes."""
    return html.escape(str(text), quote=True)
