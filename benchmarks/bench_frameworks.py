"""Framework benchmark: a framework with many named scales, and how export time grows with statements.

Run: ``.venv/bin/python benchmarks/bench_frameworks.py``. Prints a Markdown table. Targets: a
framework of 200 statements with 24 named scales validates in < 0.3 s and exports a blank
workbook in < 1 s; export time is linear in statements (2,000 -> 8,000 statements: about 4x).
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.timing import best  # noqa: E402
from generator.cli import main  # noqa: E402
from generator.project import load_project  # noqa: E402
from generator.workbook import export as export_mod  # noqa: E402
from generator.workbook.export import export_workbook  # noqa: E402


def framework_text(n_statements: int, n_scales: int, per_section: int = 10) -> str:
    """A practice-shaped framework: sections of ``per_section`` questions, each section on its own named scale."""
    lines = [
        "id: big",
        "title: Big framework",
        'version: "1"',
        "sources:",
        "  - {id: own, title: Synthetic}",
        "scales:",
    ]
    for s in range(n_scales):
        lines.append(f"  scale-{s}:")
        for i, score in enumerate((0, 0.25, 0.5, 1)):
            lines.append(f'    - {{value: a{i}, label: "Answer {i} of scale {s}, in its own words", score: {score}}}')
    lines += ["scoring:", "  - rule: aggregate", "    by_depth: [mean, sum]", "  - rule: weighted-percentage", "sections:"]
    n_sections = -(-n_statements // per_section)
    k = 0
    for sec in range(n_sections):
        lines += [f"  - id: s{sec}", f"    title: Section {sec}", "    sections:", f"      - id: s{sec}.a"]
        lines += ["        title: Stream", f"        scale: scale-{sec % n_scales}", "        statements:"]
        for _ in range(min(per_section, n_statements - k)):
            lines.append(f"          - {{id: q{k}, text: Question {k} asks something specific., source: Q{k}}}")
            k += 1
    return "\n".join(lines) + "\n"


def repo_with(root: Path, n_statements: int, n_scales: int) -> Path:
    (root / "frameworks").mkdir(parents=True)
    (root / "answers").mkdir()
    (root / "frameworks" / "big.yaml").write_text(framework_text(n_statements, n_scales), encoding="utf-8")
    return root


def export_time(root: Path, out: Path) -> float:
    project = load_project(root)
    assert not project.problems, project.problems.sorted()[:3]

    def cold() -> None:
        export_mod._cache.clear()
        export_workbook(project, ["big"], None, out)

    return best(cold, 3)


def main_() -> None:
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = repo_with(Path(tmp) / "r200", 200, 24)

        def validate() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                assert main(["--root", str(root), "validate"]) == 0

        rows.append(("`maturity validate`, 200 statements, 24 named scales", f"{best(validate, 5) * 1000:.0f} ms", "< 300 ms"))
        load = best(lambda: load_project(root), 5)
        rows.append(("load and check that framework (no process start)", f"{load * 1000:.0f} ms", ""))
        t200 = export_time(root, Path(tmp) / "b200.xlsx")
        rows.append(("blank workbook export, 200 statements, 24 scales (cold)", f"{t200 * 1000:.0f} ms", "< 1000 ms"))
        times = {}
        for n in (2000, 8000):
            r = repo_with(Path(tmp) / f"r{n}", n, 24)
            times[n] = export_time(r, Path(tmp) / f"b{n}.xlsx")
            rows.append((f"blank workbook export, {n} statements (cold)", f"{times[n]:.2f} s", ""))
        rows.append(("export 8,000 / 2,000 statements", f"{times[8000] / times[2000]:.2f}x", "about 4x (linear)"))
    print("| measure | result | target |\n|---|---|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")


if __name__ == "__main__":
    main_()
