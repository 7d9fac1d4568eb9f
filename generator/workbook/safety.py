"""Checks on a workbook file before any spreadsheet library opens it.

Refused here, each with one sentence: missing or empty files, text (CSV) files, legacy
or encrypted .xls (OLE2) files, OpenDocument files, damaged zips, macro-enabled
workbooks, and zip bombs (judged by the sizes the zip declares, before inflating
anything; Python's zip reader never inflates a member past its declared size). XML
entity bombs are refused while reading: openpyxl parses through defusedxml.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from generator.problems import MaturityError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 5000
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


def _looks_like_text(head: bytes) -> bool:
    return b"\x00" not in head and all(b >= 0x20 or b in b"\t\r\n" for b in head[:64])
