"""Checks on a workbook file before any spreadsheet library opens it.

Refused here, each with one sentence: missing or empty files, text (CSV) files, legacy
or encrypted .xls (OLE2) files, OpenDocument files, damaged zips, macro-enabled
workbooks, and zip bombs (judged by the sizes the zip declares, before inflating
anything; Python's zip reader never inflates a member past its declared size). XML
entity bombs are refused while reading: openpyxl parses through defusedxml.

Reading time and memory are bounded before the spreadsheet library sees the file: each part
is at most ``MAX_PART_BYTES`` uncompressed, and a fast scan of the parts counts the XML
elements, the cells and the shared strings, and finds cells beyond column ``ZZ``; over a
limit, the file is refused with one sentence. The workbooks this tool exports stay far below
every limit (the six shipped frameworks together: 3,900 cells, 660 shared strings, parts of
170 KB).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from generator.problems import MaturityError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED = 40 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 5000
#: Largest part (one sheet, the shared strings ...) once uncompressed.
MAX_PART_BYTES = 4 * 1024 * 1024
#: Cells in all the sheets together, shared strings, and XML elements in the whole workbook.
MAX_CELLS = 40_000
MAX_SHARED_STRINGS = 10_000
MAX_ELEMENTS = 150_000
#: XML elements in any other part (styles, workbook, relationships ...), which are parsed more slowly.
MAX_OTHER_ELEMENTS = 5_000
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_FAR_COLUMN = re.compile(rb"""\br\s*=\s*["']\$?([A-Za-z]{3,})\$?[0-9]""")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class WorkbookError(MaturityError):
    """A workbook that cannot be imported; the message names the file and, when known, the cell."""


def check_file(path: Path, display: str) -> None:
    """Raise :class:`WorkbookError` unless ``path`` is a plausible, harmless .xlsx file."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise WorkbookError(f"{display}: not a file")
        if size > MAX_FILE_BYTES:
            raise WorkbookError(f"{display}: the file is {size:,} bytes; workbooks are limited to {MAX_FILE_BYTES:,} bytes")
        with path.open("rb") as fh:
            head = fh.read(512)
    except FileNotFoundError:
        raise WorkbookError(f"{display}: no such file") from None
    except OSError as exc:
        raise WorkbookError(f"{display}: cannot read the file: {exc.strerror or exc}") from None
    if not head:
        raise WorkbookError(f"{display}: the file is empty; it is not an .xlsx workbook")
    if head.startswith(OLE2_MAGIC):
        raise WorkbookError(
            f"{display}: this is a legacy Excel .xls file (or a password-protected workbook); "
            "save it as an Excel Workbook (.xlsx) without a password and import that"
        )
    if not head.startswith(ZIP_MAGIC):
        kind = "a text file (CSV?)" if _looks_like_text(head) else "not a zip archive"
        raise WorkbookError(f"{display}: this is {kind}, not an .xlsx workbook; export the workbook as .xlsx")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_bomb(infos, display)
            _check_contents(zf, infos, display)
            names = {info.filename for info in infos}
            if "mimetype" in names and "content.xml" in names:
                raise WorkbookError(f"{display}: this is an OpenDocument spreadsheet (.ods); save it as .xlsx")
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise WorkbookError(f"{display}: this zip file is not an .xlsx workbook (it has no xl/workbook.xml)")
            if (
                any(n.lower().endswith("vbaproject.bin") for n in names)
                or b"macroenabled" in zf.read("[Content_Types].xml").lower()
            ):
                raise WorkbookError(
                    f"{display}: this workbook is macro-enabled (.xlsm); macros are never opened: "
                    "save it as a plain Excel Workbook (.xlsx) and import that"
                )
    except zipfile.BadZipFile as exc:
        raise WorkbookError(f"{display}: the file is damaged and cannot be read as .xlsx ({exc})") from None
    if path.suffix.lower() in (".xlsm", ".xltm"):
        raise WorkbookError(f"{display}: macro-enabled workbooks (.xlsm) are not accepted; save it as .xlsx")


def _check_bomb(infos: list[zipfile.ZipInfo], display: str) -> None:
    if len(infos) > MAX_MEMBERS:
        raise WorkbookError(f"{display}: the file has {len(infos):,} parts; this is not a workbook this tool wrote")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise WorkbookError(
            f"{display}: the file would expand to {total / 1e6:,.0f} MB (a zip bomb?); "
            f"the limit is {MAX_UNCOMPRESSED / 1e6:,.0f} MB"
        )
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise WorkbookError(
                f"{display}: the part {info.filename} expands {ratio:,.0f} times (a zip bomb?); refused before opening"
            )


def _check_contents(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], display: str) -> None:
    """Refuse a workbook whose parts would cost more than a few seconds or a few hundred MB to read."""
    cells = strings = elements = 0
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise WorkbookError(
                f"{display}: the part {info.filename} is {info.file_size / 1e6:,.1f} MB uncompressed; "
                f"parts are limited to {MAX_PART_BYTES / 1e6:,.0f} MB"
            )
        if info.is_dir():
            continue
        data = zf.read(info)
        count = data.count(b"<")
        elements += count
        name = info.filename.lower()
        if count > MAX_OTHER_ELEMENTS and not (name.startswith("xl/worksheets/") or "sharedstrings" in name):
            raise WorkbookError(
                f"{display}: the part {info.filename} has more than {MAX_OTHER_ELEMENTS:,} XML elements; "
                "this is not a workbook this tool wrote"
            )
        cells += len(_CELL.findall(data))
        strings += len(_SHARED_STRING.findall(data))
        far = _FAR_COLUMN.search(data)
        if far:
            raise WorkbookError(
                f"{display}: the part {info.filename} has a cell in column {far.group(1).decode('ascii', 'replace').upper()}; "
                "the workbooks this tool writes use the first columns only: clear the far cells and save again"
            )
        if cells > MAX_CELLS or strings > MAX_SHARED_STRINGS or elements > MAX_ELEMENTS:
            what = (
                f"more than {MAX_CELLS:,} cells" if cells > MAX_CELLS
                else f"more than {MAX_SHARED_STRINGS:,} shared strings" if strings > MAX_SHARED_STRINGS
                else f"more than {MAX_ELEMENTS:,} XML elements"
            )  # fmt: skip
            raise WorkbookError(f"{display}: the workbook has {what}; this is not a workbook this tool wrote")


def _looks_like_text(head: bytes) -> bool:
    return b"\x00" not in head and all(b >= 0x20 or b in b"\t\r\n" for b in head[:64])
