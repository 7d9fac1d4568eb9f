"""Hostile workbooks are refused early, and any accepted one reads quickly in little memory.

Each workbook is built here from the LibreOffice-saved fixture by adding one kind of bulk, then read
in a child process that reports its CPU time and peak memory (CPU time, not wall time: the numbers
hold on a busy machine). The documented limits (docs/workbook.md): refused in under 1 s, or read in
under 2 s and 300 MB.
"""

from __future__ import annotations

import json
import random
import re
import string
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

SOURCE = Path(__file__).parent / "fixtures" / "workbooks" / "libreoffice" / "filled.xlsx"
SHEET = "xl/worksheets/sheet3.xml"  # the `levels-demo` framework sheet, which the importer reads
PROBE = """
import json, resource, sys, time
from pathlib import Path
from generator.problems import MaturityError
from generator.workbook.reader import read_workbook
start = time.process_time()
try:
    read_workbook(Path(sys.argv[1]))
    outcome = "read"
except MaturityError as exc:
    outcome = str(exc)
# peak memory of this process alone: ru_maxrss would carry over the high-water mark of the (large) pytest
# process it was spawned from, across exec; /proc/self/status VmHWM belongs to the new program only
status = Path("/proc/self/status")
hwm = [line.split()[1] for line in status.read_text().splitlines() if line.startswith("VmHWM:")] if status.exists() else []
kb = int(hwm[0]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"cpu": time.process_time() - start, "mb": kb / 1024, "outcome": outcome}))
"""


def build(tmp_path: Path, name: str, part: str, edit: Callable[[bytes], bytes]) -> Path:
    out = tmp_path / name
    with zipfile.ZipFile(SOURCE) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, edit(data) if info.filename == part else data)
    return out


def probe(path: Path) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=300, check=True)
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def rows(count: int, cols: int, first: int = 100) -> bytes:
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(i) for i in range(1, cols + 1)]
    cells = (f'<row r="{n}">' + "".join(f'<c r="{c}{n}"/>' for c in letters) + "</row>" for n in range(first, first + count))
    return "".join(cells).encode()


def add_rows(count: int, cols: int) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(b"</sheetData>", rows(count, cols) + b"</sheetData>")


def add_strings(count: int, length: int = 12) -> Callable[[bytes], bytes]:
    rnd = random.Random(1)

    def edit(data: bytes) -> bytes:
        extra = "".join("<si><t>" + "".join(rnd.choices(string.ascii_letters, k=length)) + "</t></si>" for _ in range(count))
        return re.sub(rb'count="\d+" uniqueCount="\d+"', b"", data).replace(b"</sst>", extra.encode() + b"</sst>")

    return edit


def add_styles(count: int) -> Callable[[bytes], bytes]:
    rnd = random.Random(2)
    xf = b'<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    extra = b"".join(xf % rnd.randrange(10**6) for _ in range(count))
    return lambda data: re.sub(rb"(<cellXfs[^>]*>)", lambda m: m.group(1) + extra, data, count=1)


def far_cells(data: bytes) -> bytes:
    extra = "".join(f'<row r="{n}"><c r="XFD{n}"/></row>' for n in range(100, 5100)).encode()
    return data.replace(b"</sheetData>", extra + b"</sheetData>")


HOSTILE = [
    # (name, part, edit, words of the refusal)
    ("empty-cells.xlsx", SHEET, add_rows(2000, 100), "more than 40,000 cells"),  # ~390 KB, 200,000 cells
    ("far-column.xlsx", SHEET, far_cells, "a cell in column XFD"),  # 5,000 rows padded to 16,384 columns
    ("shared-strings.xlsx", "xl/sharedStrings.xml", add_strings(30_000), "more than 10,000 shared strings"),
    ("big-part.xlsx", "xl/sharedStrings.xml", add_strings(120_000, 20), "parts are limited to 4 MB"),  # ~1.7 MB file
    ("styles.xlsx", "xl/styles.xml", add_styles(50_000), "more than 5,000 XML elements"),
    ("dimension.xlsx", SHEET, lambda d: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', d), ""),
]


@pytest.mark.parametrize(("name", "part", "edit", "words"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_workbook_is_refused_fast_or_read_fast(
    tmp_path: Path, name: str, part: str, edit: Callable[[bytes], bytes], words: str
) -> None:
    path = build(tmp_path, name, part, edit)
    result = probe(path)
    if words:
        assert words in str(result["outcome"]), result
        assert float(result["cpu"]) < 1.0, result  # type: ignore[arg-type]
    else:  # a lying <dimension> is ignored: the sheet is read by what it holds
        assert result["outcome"] == "read", result
        assert float(result["cpu"]) < 2.0, result  # type: ignore[arg-type]
    assert float(result["mb"]) < 300, result  # type: ignore[arg-type]


def test_the_largest_workbook_under_every_limit_reads_in_under_two_seconds(tmp_path: Path) -> None:
    path = build(tmp_path, "step1.xlsx", SHEET, add_rows(380, 100))  # 38,000 more cells
    path2 = tmp_path / "step2.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(path2, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                data = add_strings(9_000)(data)
            elif info.filename == "xl/styles.xml":
                data = add_styles(4_500)(data)
            zout.writestr(info.filename, data)
    result = probe(path2)
    assert result["outcome"] == "read", result
    assert float(result["cpu"]) < 2.0 and float(result["mb"]) < 300, result  # type: ignore[arg-type]
