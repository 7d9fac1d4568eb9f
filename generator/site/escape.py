"""Making user-provided text safe for Markdown + HTML pages.

Everything a team writes (names, groups, notes, evidence links) is shown as text:
HTML is escaped, Markdown syntax is neutralised, links are kept only when they are
http(s), mailto or relative paths.

Markdown written in framework files (descriptions, guidance, statement texts) takes one path,
:func:`md_block`: raw HTML is escaped, the Markdown is rendered here with a fixed set of
extensions (no attribute lists), and the resulting HTML goes through an allow-list sanitiser
(``nh3``) that keeps known tags only, no attributes but a few harmless ones, and links only
when they are http(s) or mailto. Whatever the syntax, nothing in a framework file becomes a
script, an event handler or a ``javascript:`` link. Short framework texts (titles, names,
citations) are shown literally with :func:`md_inline`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping

import markdown
import nh3
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


#: Markdown extensions for framework text: no ``attr_list``, no raw-HTML passthrough (``<`` is escaped first).
_MD_EXTENSIONS = ["tables", "admonition", "sane_lists"]
_ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "div",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ADMONITION_CLASSES = {"admonition", "note", "abstract", "info", "tip", "success", "question", "warning", "failure",
                       "danger", "bug", "example", "quote"}  # fmt: skip
_SAFE_LINK = re.compile(r"^(?:https?://|mailto:)[^\s\x00-\x1f\x7f]+$", re.IGNORECASE)


def _attribute(tag: str, name: str, value: str) -> str | None:
    """Keep an attribute the allow-list let through; links only when they are http(s) or mailto."""
    if name == "href":
        return value if _SAFE_LINK.match(value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes={"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}},
    allowed_classes={"div": _ADMONITION_CLASSES, "p": {"admonition-title"}},
    attribute_filter=_attribute,
    url_schemes={"http", "https", "mailto"},
    link_rel="nofollow noopener noreferrer",
    strip_comments=True,
)


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=_MD_EXTENSIONS, output_format="html")
    md.preprocessors.deregister("html_block")  # raw HTML blocks become text ...
    md.inlinePatterns.deregister("html")  # ... and so do inline tags: the serializer escapes them
    return md


_MARKDOWN = _markdown()


def framework_html(text: str) -> str:
    """Framework Markdown as sanitised HTML: raw HTML shown as text, rendered, then cleaned by the allow-list."""
    rendered = _MARKDOWN.reset().convert(str(text))
    return str(_CLEANER.clean(rendered)).strip()


def nav_title(text: str) -> str:
    """A title for the MkDocs navigation (themes print it unescaped): one line, HTML escaped."""
    return html.escape(" ".join(str(text).split()), quote=True)


def md_block(text: str, cls: str = "", lead: str = "") -> Markup:
    """Markdown written by framework authors, as one sanitised HTML block for a generated page.

    Formatting is kept; raw HTML, attributes and links other than http(s)/mailto are not (see the module
    docstring). ``cls`` names CSS classes of the wrapping ``<div>``; ``lead`` (shown as an id, escaped)
    starts the first paragraph. The block stands on its own lines, so the page's Markdown leaves it alone.
    """
    body = framework_html(text)
    if not body and not lead:
        return Markup("")
    if lead:
        span = f'<span class="mc-id">{html.escape(str(lead), quote=True)}</span> '
        body = "<p>" + span + body[3:] if body.startswith("<p>") else f"<p>{span}</p>{body}"
    return Markup(md_block_html(body, cls))


def md_heading(text: str, level: int, anchor: str, lead: str = "", data: Mapping[str, str] | None = None) -> Markup:
    """Framework Markdown as a heading with an anchor (a statement: search finds it and links to it).

    The first paragraph, sanitised like :func:`md_block`, is the heading's text (``lead`` before it, as an
    id); any further blocks follow it as an ``md_block``. ``level`` is clamped to 1..6. ``data`` becomes
    ``data-mc-*`` attributes of the heading (keys are the tool's own, values escaped).
    """
    body = framework_html(text)
    first, rest = (body[3 : body.index("</p>")], body[body.index("</p>") + 4 :]) if body.startswith("<p>") else ("", body)
    span = f'<span class="mc-id">{html.escape(str(lead), quote=True)}</span> ' if lead else ""
    tag = f"h{min(6, max(1, level))}"
    ident = html.escape(re.sub(r"[^A-Za-z0-9._-]", "-", str(anchor)), quote=True)
    extra = "".join(f' data-mc-{html.escape(k, quote=True)}="{html.escape(v, quote=True)}"' for k, v in (data or {}).items())
    heading = f'\n<{tag} class="mc-statement" id="{ident}"{extra}>{span}{" ".join(first.split())}</{tag}>\n'
    return Markup(heading + (md_block_html(rest.strip()) if rest.strip() else ""))


def md_block_html(body: str, cls: str = "") -> str:
    """Sanitised HTML (from :func:`framework_html`) as one raw HTML block of a page."""
    # No blank line inside: a raw HTML block of the page ends at its closing tag, never earlier.
    classes = " ".join(["mc-md", *str(cls).split()])
    body = re.sub(r"\n[ \t]*\n", "\n&#10;", body)
    return f'\n<div class="{html.escape(classes, quote=True)}">\n{body}\n</div>\n'


def md_code(text: str) -> Markup:
    """Framework text shown as inline code (``<code>``), whatever backticks or HTML it holds."""
    return Markup(f"<code>{md_inline(text)}</code>")


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


#: Where a handler or a script URL might start: checked further only there (most pages have none).
#: Searched in the lowercased page, each on its own: a pattern that starts with plain letters is found
#: many times faster than one alternation of them all (a 150 kB page: about 0.6 ms against 6.6 ms).
#: Spots are generous (``script:`` covers javascript: and vbscript:; any attribute for an entity in a
#: URL's scheme): a spot only means the start tag around it is read whole.
_SUSPECTS = (
    re.compile(r"on[a-z]+\s*="),  # a handler's name (after a space: checked below)
    re.compile(r"script\s*:"),
    re.compile(r"data\s*:"),
    re.compile(r"""=\s*["']?[\s\w]*&"""),  # an entity in a URL's scheme
)
_START_TAG = re.compile(r"""<[A-Za-z][^\s/>]*((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*/?>""")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_SCRIPT_URL = re.compile(r"^[\s\x00-\x1f]*(javascript|vbscript|data)\s*:", re.IGNORECASE)


def script_attributes(page_html: str) -> list[str]:
    """Event handlers (``onerror=``) and script URLs (``javascript:``) in the start tags of a built page.

    The escaping above keeps them out of every page; the build checks each page with this as a safety
    net, so a hole in a template (or a project's own template that prints text unescaped) fails the
    build instead of reaching readers. Attribute values are read as the browser reads them (entities
    decoded), so ``java&#115;cript:`` is found too. Only the tags around a suspect spot are parsed.
    """
    found: list[str] = []
    checked: set[int] = set()
    low = page_html.lower()
    text = page_html if len(low) == len(page_html) else low  # positions agree (rare letters change length)
    spots = sorted({m.start() for pattern in _SUSPECTS for m in pattern.finditer(low)})
    for at in spots:
        if low.startswith("on", at) and (at == 0 or not low[at - 1].isspace()):
            continue  # "on" inside a word or a name (button=, json=): not an attribute of its own
        start = low.rfind("<", 0, at)
        if start < 0 or start in checked:
            continue
        checked.add(start)
        tag = _START_TAG.match(text, start)
        if tag is None:
            continue
        for attr in _ATTRIBUTE.finditer(tag.group(1)):
            name = attr.group(1).lower()
            value = html.unescape(next((v for v in attr.group(2, 3, 4) if v is not None), ""))
            url = _SCRIPT_URL.match(value)
            if name.startswith("on"):
                found.append(f"{name}=")
            elif url and name != "content":
                found.append(f"{name}={url.group(1).lower()}:")
    return found
