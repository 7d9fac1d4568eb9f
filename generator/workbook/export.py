"""Writing workbooks: a blank one per framework list, pre-filled ones per team.

The blank workbook of a list of frameworks is built once with openpyxl and kept as the
parts of its .xlsx file. A team's workbook is that file with the team's answers written
into the empty answer, note and evidence cells of the sheet XML, so exporting a team
costs a few string joins and one zip write instead of a full openpyxl build.

With a crosswalk, a team's workbook also lists the answers inferred for the statements it has
not answered, each with its source, on a read-only Inferred sheet (rows written per team into
the template's sheet). Import never reads that sheet: an inferred answer is not the team's own.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from generator import freshness
from generator.crosswalk.infer import Index, Inferred, infer_team
from generator.crosswalk.model import Crosswalk
from generator.fsio import write_atomic
from generator.model import Framework, Team
from generator.problems import MaturityError
from generator.project import Project
from generator.scoring import score
from generator.workbook import layout as L
from generator.workbook.template import INFERRED_COLUMNS, WIDTHS, TemplateBook, build_template

_EMPTY_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"((?: [a-zA-Z]+="[^"]*")*?)\s*/>')
_STYLE = re.compile(r' s="(\d+)"')
_ROW = re.compile(r'<row r="(\d+)"[^>]*>')
_ROW_HEIGHT = re.compile(r' ht="[^"]*"')
_SECOND_ROW = re.compile(r'<row r="2"[^>]*?(?:/>|>.*?</row>)', re.DOTALL)
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
_CACHE_SIZE = 32


@dataclass(frozen=True)
class _Slot:
    ref: str  # "F12"
    original: str  # the empty cell's XML, used when nothing is filled in
    style: str  # the cell's style id


@dataclass
class CompiledTemplate:
    """A blank workbook as .xlsx parts, with the fillable cells of each sheet located."""

    book: TemplateBook
    parts: list[tuple[str, bytes]]  # every zip member, in order
    pieces: dict[str, list[str | _Slot]]  # member name -> static text and slots, alternating
    sheet_member: dict[str, str]  # framework id -> member name of its sheet
    metadata_member: str
    summary_member: str = ""
    inferred_member: str = ""  # the Inferred sheet, when the template has one
    inferred_styles: tuple[str, ...] = ()  # the style id of each of its columns


#: framework id -> statement id -> the answer inferred for it (statements the team answered have none)
InferredAnswers = Mapping[str, Mapping[str, Inferred]]


_cache: OrderedDict[tuple[str, bool, tuple[tuple[str, int], ...]], tuple[tuple[Framework, ...], CompiledTemplate]] = OrderedDict()


def _split(xml: str, wanted: set[str]) -> list[str | _Slot]:
    """Cut a sheet's XML at every empty cell whose reference is in ``wanted``."""
    out: list[str | _Slot] = []
    last = 0
    for m in _EMPTY_CELL.finditer(xml):
        ref = m.group(1) + m.group(2)
        if ref not in wanted:
            continue
        style = _STYLE.search(m.group(3))
        out.append(xml[last : m.start()])
        out.append(_Slot(ref, m.group(0), style.group(1) if style else "0"))
        last = m.end()
    out.append(xml[last:])
    return out


def compile_template(frameworks: Sequence[Framework], paper: str = "A4", inferred: bool = False) -> CompiledTemplate:
    """Build the blank workbook of ``frameworks`` (on ``paper``, with an Inferred sheet or not); locate its fillable cells."""
    book = build_template(frameworks, paper, inferred)
    buffer = io.BytesIO()
    book.workbook.save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        parts = [(info.filename, zf.read(info)) for info in zf.infolist()]
    sheet_member: dict[str, str] = {}
    wanted: dict[str, set[str]] = {}
    for fw in book.frameworks:
        layout = book.sheets[fw.id]
        member = book.workbook[layout.title].path.lstrip("/")
        sheet_member[fw.id] = member
        cols = [layout.columns[h] for h in (L.H_ANSWER, L.H_NOTE, L.H_EVIDENCE, L.H_ASSESSED)]
        wanted[member] = {f"{c}{r}" for r in layout.rows.values() for c in cols}
    metadata_member = book.workbook[L.METADATA].path.lstrip("/")
    wanted[metadata_member] = {"B2", "B3", "B4"}
    summary_member = book.workbook[L.SUMMARY].path.lstrip("/")
    wanted[summary_member] = {ref for cells in book.summary.values() for ref in (cells.target, cells.stale) if ref}
    data = dict(parts)
    pieces = {member: _split(data[member].decode("utf-8"), refs) for member, refs in wanted.items()}
    if not inferred:
        return CompiledTemplate(book, parts, pieces, sheet_member, metadata_member, summary_member)
    member = book.workbook[L.INFERRED].path.lstrip("/")
    row = _SECOND_ROW.search(data[member].decode("utf-8"))
    styles = tuple(_STYLE.findall(row.group(0))) if row else ()
    return CompiledTemplate(book, parts, pieces, sheet_member, metadata_member, summary_member, member, styles)


def template_for(frameworks: Sequence[Framework], paper: str = "A4", inferred: bool = False) -> CompiledTemplate:
    """The compiled template of this list of frameworks (cached: the site build exports many teams)."""
    key = (paper, inferred, tuple((fw.id, id(fw)) for fw in frameworks))
    hit = _cache.get(key)
    if hit is not None:
        _cache.move_to_end(key)
        return hit[1]
    compiled = compile_template(frameworks, paper, inferred)
    _cache[key] = (tuple(frameworks), compiled)
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return compiled


def _text_cell(ref: str, style: str, text: str) -> str:
    text = L.clean_text(text)
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _fill(pieces: list[str | _Slot], values: dict[str, str], quote_style: dict[int, int]) -> bytes:
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        text = values.get(piece.ref)
        if not text:
            out.append(piece.original)
            continue
        style = piece.style
        if L.FORMULA_LIKE.match(text):
            style = str(quote_style.get(int(style), style))
        out.append(_text_cell(piece.ref, style, text))
    return "".join(out).encode("utf-8")


def team_values(
    compiled: CompiledTemplate, team: Team | None, stale_before: Mapping[str, dt.date] | None = None
) -> dict[str, dict[str, str]]:
    """Cell reference -> text for each framework sheet, from the team's answers.

    ``stale_before`` (framework id -> day) marks answers assessed before that day as stale.
    """
    values: dict[str, dict[str, str]] = {}
    for fw in compiled.book.frameworks:
        cells: dict[str, str] = {}
        fa = team.answers_to(fw.id) if team is not None else None
        if fa is not None:
            layout = compiled.book.sheets[fw.id]
            ans, note, evid, when = (layout.columns[h] for h in (L.H_ANSWER, L.H_NOTE, L.H_EVIDENCE, L.H_ASSESSED))
            limit = (stale_before or {}).get(fw.id)
            for sid, answer in fa.answers.items():
                row = layout.rows.get(sid)
                st = fw.by_id.get(sid)
                if row is None or st is None:
                    continue
                cells[f"{ans}{row}"] = L.answer_label(fw, st, answer.value)
                if answer.note:
                    cells[f"{note}{row}"] = answer.note
                if answer.evidence:
                    cells[f"{evid}{row}"] = "\n".join(answer.evidence)
                if answer.assessed is not None:
                    stale = limit is not None and answer.assessed < limit
                    cells[f"{when}{row}"] = answer.assessed.isoformat() + (" · stale" if stale else "")
        values[compiled.sheet_member[fw.id]] = cells
    return values


def _taller_rows(compiled: CompiledTemplate, values: dict[str, dict[str, str]]) -> dict[str, dict[int, float]]:
    """Per sheet member, the rows whose filled-in answer, note, evidence or date need more height than the blank row."""
    out: dict[str, dict[int, float]] = {}
    for fw in compiled.book.frameworks:
        layout = compiled.book.sheets[fw.id]
        member = compiled.sheet_member[fw.id]
        cells = values.get(member, {})
        by_row: dict[int, list[tuple[str, float]]] = {}
        for h in (L.H_ANSWER, L.H_NOTE, L.H_EVIDENCE, L.H_ASSESSED):
            col = layout.columns[h]
            for r in layout.rows.values():
                text = cells.get(f"{col}{r}")
                if text:
                    by_row.setdefault(r, []).append((text, WIDTHS[h]))
        taller = {r: need for r, texts in by_row.items() if (need := L.row_height(texts)) > layout.heights.get(r, 0)}
        if taller:
            out[member] = taller
    return out


def _set_heights(xml: bytes, heights: dict[int, float]) -> bytes:
    """The sheet XML with the ``ht`` of the given rows raised."""

    def grow(m: re.Match[str]) -> str:
        height = heights.get(int(m.group(1)))
        if height is None:
            return m.group(0)
        return _ROW_HEIGHT.sub(f' ht="{height:g}"', m.group(0), count=1)

    return _ROW.sub(grow, xml.decode("utf-8")).encode("utf-8")


def summary_texts(
    frameworks: Sequence[Framework], team: Team, max_age: Callable[[str], int], today: dt.date
) -> dict[str, tuple[str, str]]:
    """Framework id -> (target, stale answers) as the Summary sheet shows them for ``team`` on ``today``.

    ``level 2, due 2026-05-01 · overdue`` and ``2 of 4 answers assessed before 2025-06-01``: the same
    judgement (:func:`generator.freshness.freshness`) as the site and ``maturity scores``.
    """
    out: dict[str, tuple[str, str]] = {}
    for fw in frameworks:
        fa = team.answers_to(fw.id)
        if fa is None:
            continue
        due = fa.target.due if fa.target is not None else None
        met = score(fw, fa).target_met if due is not None and due < today else None
        f = freshness.freshness(fa, max_age(fw.id), today, met)
        target = "none set" if fa.target is None else str(fa.target)
        if due is not None:
            target += f", due {due.isoformat()}" + (" · overdue" if f.overdue else "")
        limit = freshness.stale_before(f.max_age_days, today).isoformat()
        stale = f"{len(f.stale)} of {f.answered} answers assessed before {limit}" if f.stale else "none"
        out[fw.id] = (target, stale)
    return out


def inferred_rows(frameworks: Sequence[Framework], inferred: InferredAnswers) -> list[tuple[str, ...]]:
    """The Inferred sheet's rows, in framework and statement order: framework, id, statement, inferred answer, source."""
    rows: list[tuple[str, ...]] = []
    for fw in frameworks:
        given = inferred.get(fw.id, {})
        for st in fw.statements:
            found = given.get(st.id)
            if found is not None:
                label = L.answer_label(fw, st, found.answer.value)
                rows.append((fw.id, st.id, " ".join(st.text.split()), label, str(found.provenance)))
    return rows


def _inferred_sheet(xml: bytes, rows: list[tuple[str, ...]], styles: tuple[str, ...]) -> bytes:
    """The Inferred sheet's XML with the template's empty second row replaced by ``rows`` (text cells, grown to fit)."""
    widths = [width for _, width in INFERRED_COLUMNS]
    out = []
    for n, values in enumerate(rows, start=2):
        cells = "".join(
            _text_cell(f"{letter}{n}", styles[i] if i < len(styles) else "0", value)
            for i, (letter, value) in enumerate(zip("ABCDE", values, strict=True))
        )
        height = L.row_height(list(zip(values, widths, strict=True)))
        out.append(f'<row r="{n}" ht="{height:g}" customHeight="1">{cells}</row>')
    text = _SECOND_ROW.sub(lambda _: "".join(out), xml.decode("utf-8"), count=1)
    text = _DIMENSION.sub(f'<dimension ref="A1:E{len(rows) + 1}"/>', text, count=1)
    return text.encode("utf-8")


def workbook_bytes(
    frameworks: Sequence[Framework],
    team: Team | None,
    now: dt.datetime | None = None,
    stale_before: Mapping[str, dt.date] | None = None,
    paper: str = "A4",
    summary: Mapping[str, tuple[str, str]] | None = None,
    inferred: InferredAnswers | None = None,
) -> bytes:
    """The .xlsx file of ``frameworks``, pre-filled with ``team``'s answers (blank when None), printing on ``paper``.

    ``summary`` (from :func:`summary_texts`) fills each framework's Target and Stale answers rows;
    ``inferred`` (the team's inferred answers) adds the Inferred sheet when any of them is for these frameworks.
    """
    rows = inferred_rows(frameworks, inferred or {})
    compiled = template_for(frameworks, paper, bool(rows))
    values = team_values(compiled, team, stale_before)
    cells = compiled.book.summary
    values[compiled.summary_member] = {}
    for fid, (target, stale) in (summary or {}).items():
        values[compiled.summary_member] |= {cells[fid].target: target, cells[fid].stale: stale}
    stamp = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0).isoformat()
    values[compiled.metadata_member] = {"B2": team.id if team else "", "B3": team.name if team else "", "B4": stamp}
    taller = _taller_rows(compiled, values)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in compiled.parts:
            pieces = compiled.pieces.get(name)
            if pieces is not None:
                data = _fill(pieces, values.get(name, {}), compiled.book.quote_style)
                if name in taller:
                    data = _set_heights(data, taller[name])
            if name == compiled.inferred_member:
                data = _inferred_sheet(data, rows, compiled.inferred_styles)
            zf.writestr(name, data)
    return buffer.getvalue()


def export_workbook(
    project: Project, framework_ids: Sequence[str], team: Team | None, path: Path, today: dt.date | None = None
) -> None:
    """Write one .xlsx with a sheet per framework in ``framework_ids``, pre-filled with ``team``'s answers.

    Each answer's date is shown, marked stale when older than the repository's maximum age on ``today``;
    the sheets print on the repository's paper (``paper`` in ``maturity.yml``).
    The file is written atomically (temporary file and rename).
    """
    frameworks = _frameworks(project, framework_ids)
    day = today or dt.date.today()
    limits = {fw.id: freshness.stale_before(project.settings.max_age(fw.id), day) for fw in frameworks}
    summary = summary_texts(frameworks, team, project.settings.max_age, day) if team is not None else None
    inferred = team_inferred(project, team) if team is not None else None
    data = workbook_bytes(
        frameworks, team, stale_before=limits, paper=project.settings.paper, summary=summary, inferred=inferred
    )
    write_atomic(Path(path), data)


_indexes: dict[int, tuple[Crosswalk, Index]] = {}


def team_inferred(project: Project, team: Team) -> InferredAnswers:
    """The team's inferred answers per framework (none without a crosswalk); the crosswalk's index built once."""
    cw = project.crosswalk
    if cw is None:
        return {}
    hit = _indexes.get(id(cw))
    if hit is None or hit[0] is not cw:
        _indexes.clear()
        hit = _indexes[id(cw)] = (cw, Index.build(cw))
    inference = infer_team(team, project.frameworks, cw, hit[1])
    return {fid: fi.inferred for fid, fi in inference.frameworks.items()}


def _frameworks(project: Project, framework_ids: Iterable[str]) -> list[Framework]:
    known = project.answerable()
    out: list[Framework] = []
    for fid in dict.fromkeys(framework_ids):
        fw = known.get(fid)
        if fw is None:
            raise MaturityError(f"unknown framework `{fid}`; known: {', '.join(sorted(known)) or 'none'}")
        out.append(fw)
    if not out:
        raise MaturityError("no framework to export")
    return out
