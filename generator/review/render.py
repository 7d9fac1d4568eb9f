"""Rendering a :class:`~generator.review.diff.Diff` as a pull-request comment (Markdown), plain text
for a terminal, or JSON.

Every piece of user text (team names, notes, statement text, file names) is escaped
for both HTML and Markdown in the comment, so a note can never inject markup, links or
mentions into it. The plain-text form prints text as written (the command line escapes
control characters in everything it prints). When the site's address is known, teams
and statements link to their pages on the site.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from generator.problems import Problem
from generator.review.diff import (
    ADDED,
    CHANGED,
    DOWN,
    REMOVED,
    UNREADABLE,
    UP,
    Diff,
    FrameworkChange,
    MappingChange,
    Side,
    Standing,
    StatementChange,
    TeamChange,
)
from generator.rules import RULES
from generator.site import links as site_links

#: The hidden first line CI looks for to update its one comment instead of adding another.
MARKER = "<!-- maturity-diff -->"
#: GitHub refuses comments over 65,536 characters; stay well below, whatever the change.
MAX_COMMENT = 60_000
MAX_ROWS = 200
#: Longest problem message quoted in the comment (a message may quote a whole invalid value).
MAX_MESSAGE = 300
TRUNCATED = (
    "**Truncated**: the full report did not fit in a pull-request comment. It is in this workflow run's "
    "job summary and artifact (`maturity diff --full-output FILE` writes it)."
)
ARROWS = {UP: "▲", DOWN: "▼"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~-])")


@dataclass(frozen=True)
class SiteLinks:
    """Addresses of the published site's pages; no links when ``site_url`` is empty."""

    site_url: str = ""
    directory_urls: bool = True

    def _page(self, src: str) -> str:
        if not self.site_url:
            return ""
        url = self.site_url.rstrip("/") + "/" + site_links.Urls(self.directory_urls).url(src)
        return quote(url, safe=":/#?&=%~+,;@!$'*")

    def team(self, team_id: str) -> str:
        return self._page(site_links.team_page(team_id))

    def framework(self, framework_id: str) -> str:
        return self._page(site_links.framework_page(framework_id))


NO_LINKS = SiteLinks()


def escape(text: str) -> str:
    """Text made inert for a Markdown/HTML comment: entities for &<>\"', backslashes for Markdown, one line."""
    text = _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#39;")
    return text.replace("@", "&#64;")  # no accidental mentions of people or teams


def code(text: str) -> str:
    """An id or path in backticks (backticks inside are replaced, so it cannot break out)."""
    return "`" + " ".join(text.replace("`", "'").split()) + "`"


def short(sha: str | None) -> str:
    return sha[:10] if sha else ""


def side_label(side: Side) -> str:
    if side.commit is None:
        return "the working tree"
    name = side.revision
    if name == side.commit or side.commit.startswith(name):
        return code(short(side.commit))
    return f"{code(name)} ({short(side.commit)})"


def standing_text(st: Standing | None, esc: Any = escape) -> str:
    """One table cell: headline, then the percentage and required sets when the headline is not them."""
    if st is None:
        return "—"
    parts = [esc(st.headline)]
    figure = RULES[st.headline_kind].headline_figure
    if st.percent is not None and figure != "percent":
        parts.append(f"{st.percent:.0f}%")
    for i, req in enumerate(st.required):
        if i == 0 and figure == "required":
            continue
        parts.append(f"{esc(req.name)} {'✓' if req.met else f'{req.met_count}/{req.total}'}")
    for name, text, _ in st.scores:  # aggregated scores the headline does not already show
        if text != st.headline:
            parts.append(f"{esc(name)} {esc(text)}")
    return " · ".join(parts)


def _link(label: str, url: str) -> str:
    """``label`` (already Markdown) linked to ``url`` when there is one."""
    return f"[{label}]({url.replace('(', '%28').replace(')', '%29')})" if url else label


def _team_cell(t: TeamChange, links: SiteLinks = NO_LINKS) -> str:
    cell = f"{_link(escape(t.name), links.team(t.team))} {code(t.team)}"
    if t.kind == UNREADABLE:
        cell += " (unreadable)"
    return cell


def _mark(direction: int, regression: bool, kind: str = "") -> str:
    if kind == ADDED:
        return "+ new"
    if kind == REMOVED:
        return "− removed"
    arrow = ARROWS.get(direction, "=")
    return f"{arrow} regression" if regression else arrow


def _summary_line(diff: Diff) -> str:
    n = len(diff.teams)
    parts = [f"{n} team{'s' if n != 1 else ''} changed"]
    regressions = len(diff.regressions)
    if regressions:
        parts.append(f"**{regressions} regression{'s' if regressions != 1 else ''}**")
    if diff.frameworks:
        k = len(diff.frameworks)
        parts.append(f"{k} framework{'s' if k != 1 else ''} changed")
    if diff.mappings:
        k = len(diff.mappings)
        parts.append(f"{k} crosswalk mapping file{'s' if k != 1 else ''} changed")
    return f"{side_label(diff.base)} → {side_label(diff.head)}: " + ", ".join(parts) + "."


def _table(diff: Diff, limit: int, links: SiteLinks = NO_LINKS) -> list[str]:
    rows = ["|  | Team | Framework | Before | After |", "|---|---|---|---|---|"]
    count = 0
    total = sum(max(1, len(t.frameworks)) for t in diff.teams)
    for t in diff.teams:
        if not t.frameworks:
            if count < limit:
                what = "file moved" if t.path_before != t.path_after else "details below"
                rows.append(f"| = | {_team_cell(t, links)} | {what} | | |")
            count += 1
        for f in t.frameworks:
            if count < limit:
                rows.append(
                    f"| {_mark(f.direction, f.regression, t.kind)} | {_team_cell(t, links)} "
                    f"| {_link(escape(f.title), links.framework(f.framework))} "
                    f"| {delta_standing(f.before, f.inferred_before)} | {delta_standing(f.after, f.inferred_after)} |"
                )
            count += 1
    if total > limit:
        rows.append("")
        rows.append(f"… and {total - limit} more rows (run `maturity diff --format json` for all of them).")
    return rows


def _framework_line(c: FrameworkChange, plain: bool = False) -> str:
    esc, cd = (_plain, str) if plain else (escape, code)
    head = f"{esc(c.title)} ({c.framework})" if plain else f"- **{escape(c.title)}** {code(c.framework)}"
    if c.kind == ADDED:
        return head + " added"
    if c.kind == REMOVED:
        return head + " removed"
    details = []
    if c.version_before != c.version_after:
        details.append(f"version {esc(c.version_before or '')} → {esc(c.version_after or '')}")

    def lv(n: int | None) -> str:
        return "" if n is None else f" (level {n})"

    if c.added:
        details.append("added " + ", ".join(cd(m.id) + lv(m.after) for m in c.added))
    if c.removed:
        details.append("removed " + ", ".join(cd(m.id) + lv(m.before) for m in c.removed))
    if c.relevelled:
        details.append("re-levelled " + ", ".join(f"{cd(m.id)} ({m.before} → {m.after})" for m in c.relevelled))
    if c.rules_changed:
        details.append("scoring changed (rules, scale, levels or weights)")
    if c.reworded:
        details.append(f"{c.reworded} statement{'s' if c.reworded != 1 else ''} reworded")
    return head + ": " + ("; ".join(details) if details else "wording or metadata only")


def _answer(value: str | None, inferred: str = "") -> str:
    return "not assessed" if value is None else escape(value) + (" (inferred)" if inferred else "")


def delta_standing(st: Standing | None, wider: Standing | None, esc: Any = escape) -> str:
    """The official standing, then the one counting inferred answers if it differs ("Level 1; with inferred answers: Level 2")."""
    text = standing_text(st, esc)
    return text if wider is None else f"{text}; with inferred answers: {standing_text(wider, esc)}"


def mapping_line(c: MappingChange, plain: bool = False) -> str:
    """One changed mapping file: its links added, removed or with another relationship."""
    esc, cd = (_plain, str) if plain else (escape, code)
    head = f"{c.path} ({c.framework})" if plain else f"- {code(c.path)} ({code(c.framework)})"
    if c.kind != CHANGED:
        return f"{head} {c.kind}"
    parts = [
        f"{what} " + ", ".join(cd(x) for x in items)
        for what, items in (("added", c.added), ("removed", c.removed), ("changed", c.changed))
        if items
    ]
    return head + ": " + "; ".join(parts) if parts else head + ": " + esc("rationale or citations only")


def _provenance_md(s: StatementChange) -> str:
    parts = []
    if s.inferred_after:
        parts.append(escape(s.inferred_after))
    if s.inferred_before and s.inferred_before != s.inferred_after:
        parts.append("was " + escape(s.inferred_before))
    return "; ".join(parts)


def _evidence_md(s: StatementChange) -> str:
    """The evidence links a change added and removed, as code (links from answer files are not made clickable)."""
    parts = []
    if s.evidence_added:
        parts.append("evidence: " + ", ".join(code(e) for e in s.evidence_added))
    if s.evidence_removed:
        parts.append("evidence removed: " + ", ".join(code(e) for e in s.evidence_removed))
    return "; ".join(parts)


def _details(t: TeamChange, links: SiteLinks = NO_LINKS) -> list[str]:
    n = t.statement_count
    notes = list(t.notes)
    changed = f"{n} statement{'s' if n != 1 else ''} changed"
    out = ["<details>", f"<summary>{escape(t.name)} ({code(t.team)}): {changed}</summary>", ""]
    if links.team(t.team):
        out += [f"Team page: {_link(escape(t.name), links.team(t.team))}", ""]
    for note in notes:
        out.append(f"- {_note(note)}")
    if notes:
        out.append("")
    for f in t.frameworks:
        if t.kind != CHANGED and not f.statements:
            continue
        before, after = delta_standing(f.before, f.inferred_before), delta_standing(f.after, f.inferred_after)
        head = f"**{escape(f.title)}**: {before} → {after} {_mark(f.direction, f.regression)}"
        out.append(head)
        out.append("")
        if f.statements:
            out.append("| Statement | Before | After | Note |")
            out.append("|---|---|---|---|")
            for s in f.statements:
                note = escape(s.note)
                if s.old_note and s.old_note != s.note:
                    note = (note + " " if note else "") + f"(was: {escape(s.old_note)})"
                for extra in (_evidence_md(s), _provenance_md(s)):
                    if extra:
                        note = (note + " " if note else "") + f"({extra})"
                statement = _link(code(s.id), links.framework(f.framework))
                before, after = _answer(s.before, s.inferred_before), _answer(s.after, s.inferred_after)
                out.append(f"| {statement} {escape(s.text)} | {before} | {after} | {note} |")
            out.append("")
    out.append("</details>")
    out.append("")
    return out


def _note(note: str) -> str:
    """Notes are built by the diff from ids and paths in backticks; escape everything else."""
    parts = note.split("`")
    return "".join(code(p) if i % 2 else escape(p) for i, p in enumerate(parts))


def _problem(p: Problem, full: bool = False) -> str:
    message = p.message if full or len(p.message) <= MAX_MESSAGE else p.message[:MAX_MESSAGE] + " …"
    return f"{code(p.where)}: {escape(message)}"


def _problems(diff: Diff, full: bool = False) -> list[str]:
    out: list[str] = []
    for name, side in (("base", diff.base), ("head", diff.head)):
        if not side.problems:
            continue
        out.append(
            f"<details><summary>⚠️ {len(side.problems)} problem{'s' if len(side.problems) != 1 else ''} "
            f"at the {name} revision ({side_label(side)}): those files were skipped</summary>"
        )
        out.append("")
        shown = side.problems if full else side.problems[:100]
        out.extend(f"- {_problem(p, full)}" for p in shown)
        if len(side.problems) > len(shown):
            out.append(f"- … and {len(side.problems) - 100} more")
        out.append("")
        out.append("</details>")
        out.append("")
    return out


def markdown(diff: Diff, full: bool = False, links: SiteLinks = NO_LINKS) -> str:
    """The pull-request comment: marker, summary table, framework changes, collapsed details, problems.

    The comment is at most :data:`MAX_COMMENT` characters whatever the change (else it ends with a
    "truncated" pointer to the full report); ``full`` gives the whole report with nothing left out.
    """
    limit = None if full else MAX_COMMENT
    lines = [MARKER, "### Maturity changes", ""]
    if not diff.changed:
        lines.append(f"No maturity change between {side_label(diff.base)} and {side_label(diff.head)}.")
        lines.append("")
        lines.extend(_problems(diff, full))
        return fit(lines, limit)
    lines.append(_summary_line(diff))
    lines.append("")
    if diff.teams:
        lines.extend(_table(diff, len(diff.teams) * 100 if full else MAX_ROWS, links))
        lines.append("")
    if diff.frameworks:
        lines.append("**Framework changes** (these can move every team):")
        lines.append("")
        lines.extend(_framework_line(c) for c in diff.frameworks)
        lines.append("")
    if diff.mappings:
        lines.append("**Crosswalk changes** (these can move every team's inferred answers):")
        lines.append("")
        lines.extend(mapping_line(c) for c in diff.mappings)
        lines.append("")
    notes = [
        f"- {escape(t.name)} {code(t.team)}: " + "; ".join(map(_note, t.notes))
        for t in diff.teams
        if t.notes and not t.statement_count
    ]
    if notes:
        lines.extend([*notes, ""])
    problems = _problems(diff, full)
    size = sum(len(x) + 1 for x in lines + problems)
    for t in diff.teams:
        if not t.statement_count:
            continue
        block = _details(t, links)
        size += sum(len(x) + 1 for x in block)
        if limit is not None and size > limit:
            lines.extend(["… more details did not fit in a comment; run `maturity diff` locally for all of them.", ""])
            break
        lines.extend(block)
    lines.extend(problems)
    return fit(lines, limit)


def fit(lines: list[str], limit: int | None) -> str:
    """The lines as one Markdown text of at most ``limit`` characters.

    When they do not fit, whole lines are kept up to the limit, open ``<details>`` are closed, and the
    text ends with the :data:`TRUNCATED` pointer.
    """
    text = "\n".join(lines).rstrip("\n") + "\n"
    if limit is None or len(text) <= limit:
        return text
    tail = f"\n{TRUNCATED}\n"
    budget = limit - len(tail) - 200  # room for closing tags
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > budget:
            break
        kept.append(line)
        size += len(line) + 1
    open_details = sum(x.count("<details") - x.count("</details>") for x in kept)
    while kept and kept[-1].startswith("|"):
        kept.pop()  # no half table: the pointer must not become a table row
    kept += ["", *(["</details>"] * max(0, min(open_details, 20)))]
    return ("\n".join(kept).rstrip("\n") + "\n" + tail)[:limit]


# -- plain text (a terminal) ---------------------------------------------------------------
def _plain(text: str) -> str:
    return " ".join(text.split())


def _plain_side(side: Side) -> str:
    if side.commit is None:
        return "the working tree"
    name = side.revision
    if name == side.commit or side.commit.startswith(name):
        return short(side.commit)
    return f"{name} ({short(side.commit)})"


def _plain_mark(direction: int, regression: bool, kind: str = "") -> str:
    return _mark(direction, regression, kind).replace("regression", "REGRESSION")


def _plain_answer(value: str | None, inferred: str) -> str:
    return "not assessed" if value is None else _plain(value) + (" (inferred)" if inferred else "")


def text(diff: Diff, links: SiteLinks = NO_LINKS) -> str:
    """The diff for a person at a terminal: the same content as the comment, without any markup."""
    out = [f"Maturity changes: {_plain_side(diff.base)} -> {_plain_side(diff.head)}"]
    if not diff.changed:
        out.append("No maturity change.")
    else:
        n, regressions, k = len(diff.teams), len(diff.regressions), len(diff.frameworks)
        parts = [f"{n} team{'s' if n != 1 else ''} changed"]
        if regressions:
            parts.append(f"{regressions} regression{'s' if regressions != 1 else ''}")
        if k:
            parts.append(f"{k} framework{'s' if k != 1 else ''} changed")
        if diff.mappings:
            m = len(diff.mappings)
            parts.append(f"{m} crosswalk mapping file{'s' if m != 1 else ''} changed")
        out.append(", ".join(parts) + ".")
    if diff.frameworks:
        out += ["", "Framework changes (these can move every team):"]
        for c in diff.frameworks:
            out.append("  " + _framework_line(c, plain=True))
    if diff.mappings:
        out += ["", "Crosswalk changes (these can move every team's inferred answers):"]
        out += ["  " + mapping_line(c, plain=True) for c in diff.mappings]
    for t in diff.teams:
        out.append("")
        head = f"{_plain(t.name)} ({t.team})"
        if t.kind in (ADDED, REMOVED, UNREADABLE):
            head += f" [{t.kind}]"
        url = links.team(t.team)
        out.append(head + (f"  {url}" if url else ""))
        for note in t.notes:
            out.append(f"  {_plain(note.replace('`', ''))}")
        if not t.frameworks and t.path_before != t.path_after and not t.notes:
            out.append("  file moved")
        for f in t.frameworks:
            mark = _plain_mark(f.direction, f.regression, t.kind)
            before = delta_standing(f.before, f.inferred_before, _plain)
            after = delta_standing(f.after, f.inferred_after, _plain)
            out.append(f"  {mark} {_plain(f.title)}: {before} -> {after}")
            width = max((len(s.id) for s in f.statements), default=0)
            for s in f.statements:
                answer = f"{_plain_answer(s.before, s.inferred_before)} -> {_plain_answer(s.after, s.inferred_after)}"
                out.append(f"      {s.id.ljust(width)}  {answer}  {_plain(s.text)}")
                pad = " " * (width + 8)
                if s.inferred_after:
                    out.append(f"{pad}{_plain(s.inferred_after)}")
                if s.inferred_before and s.inferred_before != s.inferred_after:
                    out.append(f"{pad}was {_plain(s.inferred_before)}")
                if s.note and s.note != s.old_note:
                    out.append(f"{pad}note: {_plain(s.note)}")
                if s.old_note and s.old_note != s.note:
                    out.append(f"{pad}was: {_plain(s.old_note)}")
                for e in s.evidence_added:
                    out.append(f"{pad}evidence: {_plain(e)}")
                for e in s.evidence_removed:
                    out.append(f"{pad}evidence removed: {_plain(e)}")
    for name, side in (("base", diff.base), ("head", diff.head)):
        if side.problems:
            n = len(side.problems)
            out += ["", f"{n} problem(s) at the {name} revision ({_plain_side(side)}); those files were skipped:"]
            out += [f"  {p.where}: {_plain(p.message)}" for p in side.problems]
    return "\n".join(out) + "\n"


# -- JSON --------------------------------------------------------------------------------
def _standing_json(st: Standing | None) -> dict[str, Any] | None:
    if st is None:
        return None
    return {
        "headline": st.headline,
        "level": st.level,
        "level_name": st.level_name or None,
        "percent": st.percent,
        "required": [{"name": r.name, "met": r.met, "met_count": r.met_count, "total": r.total} for r in st.required],
        "target": st.target,
        "target_met": st.target_met,
        "scores": [{"name": n, "text": t, "ratio": r} for n, t, r in st.scores],
        "profile": [{"section": title, "level": lv} for title, lv in st.profile],
    }


def _side_json(side: Side) -> dict[str, Any]:
    return {
        "revision": side.revision,
        "commit": side.commit,
        "team_files": side.team_files,
        "problems": [{"path": p.path, "line": p.line, "col": p.col, "message": p.message} for p in side.problems],
    }


def to_json(diff: Diff) -> dict[str, Any]:
    """The diff as plain JSON data (stable keys; ``format`` is bumped on incompatible changes)."""
    return {
        "format": 1,
        "base": _side_json(diff.base),
        "head": _side_json(diff.head),
        "changed": diff.changed,
        "regressions": [{"team": t, "framework": f} for t, f in diff.regressions],
        "teams": [
            {
                "team": t.team,
                "name": t.name,
                "change": t.kind,
                "path_before": t.path_before,
                "path_after": t.path_after,
                "notes": list(t.notes),
                "frameworks": [
                    {
                        "framework": f.framework,
                        "title": f.title,
                        "before": _standing_json(f.before),
                        "after": _standing_json(f.after),
                        "with_inferred_before": _standing_json(f.inferred_before),
                        "with_inferred_after": _standing_json(f.inferred_after),
                        "direction": {UP: "up", DOWN: "down"}.get(f.direction, "same"),
                        "regression": f.regression,
                        "statements": [
                            {
                                "id": s.id,
                                "before": s.before,
                                "after": s.after,
                                "note": s.note,
                                "previous_note": s.old_note,
                                "evidence_changed": s.evidence_changed,
                                "evidence": list(s.evidence),
                                "previous_evidence": list(s.old_evidence),
                                "inferred_before": s.inferred_before or None,
                                "inferred_after": s.inferred_after or None,
                            }
                            for s in f.statements
                        ],
                    }
                    for f in t.frameworks
                ],
            }
            for t in diff.teams
        ],
        "frameworks": [
            {
                "framework": c.framework,
                "title": c.title,
                "change": c.kind,
                "version_before": c.version_before,
                "version_after": c.version_after,
                "added": [{"id": m.id, "level": m.after} for m in c.added],
                "removed": [{"id": m.id, "level": m.before} for m in c.removed],
                "relevelled": [{"id": m.id, "before": m.before, "after": m.after} for m in c.relevelled],
                "reworded": c.reworded,
                "scoring_changed": c.rules_changed,
            }
            for c in diff.frameworks
        ],
        "mappings": [
            {
                "framework": c.framework,
                "path": c.path,
                "change": c.kind,
                "added": list(c.added),
                "removed": list(c.removed),
                "changed": list(c.changed),
            }
            for c in diff.mappings
        ],
    }


def json_text(diff: Diff) -> str:
    return json.dumps(to_json(diff), indent=2, ensure_ascii=False) + "\n"
