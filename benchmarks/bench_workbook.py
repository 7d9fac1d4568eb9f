"""Workbook benchmark: export and import times on a synthetic organisation (shipped frameworks).

Run: ``/work/venv/bin/python benchmarks/bench_workbook.py [N_TEAMS]`` (default 100). Prints a
Markdown table. Targets: a pre-filled all-framework export < 0.5 s (and well under 50 ms once
the blank template is built, as in the site build); importing it < 0.5 s; import at most 3x a
bare openpyxl read-only read of the same file; 100 filled workbooks in one command < 20 s;
100 workbooks with one bad cell each: all 100 cells reported by one command, < 15 s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import openpyxl  # noqa: E402
from synth import make_org  # noqa: E402

from benchmarks.timing import best, cpu_seconds  # noqa: E402
from generator.cli import main  # noqa: E402
from generator.project import load_project  # noqa: E402
from generator.workbook import export as export_mod  # noqa: E402
from generator.workbook.export import export_workbook  # noqa: E402
from generator.workbook.importer import plan_import  # noqa: E402
from generator.workbook.reader import read_workbook  # noqa: E402


def bare_read(path: Path, sheets: list[str] | None = None) -> int:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = 0
    for ws in wb.worksheets:
        if sheets is not None and ws.title not in sheets:
            continue
        for row in ws.iter_rows(values_only=True):
            n += len(row)
    wb.close()
    return n


def quiet(argv: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()):
        return main(argv)


def run(n_teams: int) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "org"
        make_org(root, n_teams, seed=0)
        project = load_project(root)
        assert not project.problems, project.problems.sorted()[:3]
        fids = list(project.frameworks)
        team = project.teams[0]
        book = Path(tmp) / "team.xlsx"

        export_mod._cache.clear()
        t = time.perf_counter()
        export_workbook(project, fids, team, book)
        cold = time.perf_counter() - t
        rows.append(("export one team, all frameworks (cold: builds the template)", f"{cold * 1000:.0f} ms", "< 500 ms"))
        warm = best(lambda: export_workbook(project, fids, team, book), 20)
        rows.append(("export one team, all frameworks (template cached)", f"{warm * 1000:.1f} ms", "< 50 ms"))
        n_statements = sum(len(project.frameworks[f].statements) for f in fids)
        rows.append(("  statements in that workbook", str(n_statements), ""))

        out_dir = Path(tmp) / "books"
        out_dir.mkdir()
        t = time.perf_counter()
        for tm in project.teams:
            export_workbook(project, [f for f in fids if f in tm.frameworks], tm, out_dir / f"{tm.id}.xlsx")
        total = time.perf_counter() - t
        rows.append((f"export all {n_teams} teams' workbooks", f"{total:.2f} s ({total / n_teams * 1000:.1f} ms/team)", ""))

        def do_import() -> None:
            plan_import(project, [read_workbook(book)])

        imp = best(do_import, 5)
        rows.append(("import one team workbook (read + validate + plan)", f"{imp * 1000:.0f} ms", "< 500 ms"))
        t = time.perf_counter()
        assert quiet(["--root", str(root), "import", str(book)]) == 0
        cmd = time.perf_counter() - t
        rows.append((f"  the same as `maturity import` (also loads {n_teams} answer files)", f"{cmd * 1000:.0f} ms", ""))
        bare_all = best(lambda: bare_read(book), 5)
        read_sheets = ["Metadata", *[project.frameworks[f].id[:31] for f in fids]]
        bare_some = best(lambda: bare_read(book, read_sheets), 5)
        rows.append(("bare openpyxl read_only read, every sheet", f"{bare_all * 1000:.0f} ms", ""))
        rows.append(("bare openpyxl read_only read, the sheets import reads", f"{bare_some * 1000:.0f} ms", ""))
        rows.append(("import / bare read (every sheet)", f"{imp / bare_all:.2f}x", "<= 3x"))
        rows.append(("import / bare read (same sheets)", f"{imp / bare_some:.2f}x", "<= 3x"))

        # 100 filled workbooks: answers re-generated with another seed, so every file changes
        make_org(root, n_teams, seed=1)
        books = sorted(str(p) for p in out_dir.glob("*.xlsx"))
        t = time.perf_counter()
        assert quiet(["--root", str(root), "import", *books]) == 0
        many = time.perf_counter() - t
        rows.append((f"`maturity import` of {len(books)} filled workbooks, one command", f"{many:.2f} s", "< 20 s"))
        changed = load_project(root)
        assert not changed.problems

        # 100 workbooks with one bad answer cell each: one command reports every one of them
        bad_dir = Path(tmp) / "bad"
        bad_dir.mkdir()
        for name in books:
            wb = openpyxl.load_workbook(name)
            ws, header = next(
                (sheet, r)
                for sheet in wb.worksheets
                for r in sheet.iter_rows(min_row=1, max_row=20)
                if {"ID", "Answer"} <= {c.value for c in r}
            )  # the first framework sheet
            column = next(c.column_letter for c in header if c.value == "Answer")
            ws[f"{column}{header[0].row + 1}"] = "maybe"
            wb.save(bad_dir / Path(name).name)
        bad = sorted(str(p) for p in bad_dir.glob("*.xlsx"))
        err = io.StringIO()
        t, cpu = time.perf_counter(), cpu_seconds()
        with contextlib.redirect_stderr(err):
            assert quiet(["--root", str(root), "import", *bad]) == 1
        spent, cpu = time.perf_counter() - t, cpu_seconds() - cpu
        reported = sum(1 for line in err.getvalue().splitlines() if "`maybe` is not an answer" in line)
        rows.append(
            (
                f"`maturity import` of {len(bad)} workbooks, one bad cell each",
                f"{spent:.2f} s (CPU {cpu:.2f} s), {reported} cells reported",
                "< 15 s, all",
            )
        )
    return rows


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("teams", nargs="?", type=int, default=100)
    args = parser.parse_args()
    rows = run(args.teams)
    print("| measure | value | target |\n|---|---|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")


if __name__ == "__main__":
    main_bench()
