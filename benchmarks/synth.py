"""A synthetic organisation for benchmarks: the shipped frameworks and N teams answering all of them."""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.problems import Problems  # noqa: E402
from generator.project import load_frameworks, yaml_files  # noqa: E402

GROUPS = ("Payments", "Search", "Risk", "Marketing", "Logistics", "Platform")
NOTES = (
    "Covered by the weekly review.",
    "Pipeline exists for the main model only.",
    "Planned for next quarter.",
    "See the runbook in the team wiki.",
)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_org(root: Path, n_teams: int, seed: int = 0, frameworks_dir: Path | None = None, n_groups: int | None = None) -> None:
    """Copy the frameworks into ``root`` and write ``n_teams`` answer files answering every framework.

    Teams fall into the six GROUPS, or into ``n_groups`` groups ("Unit 01", ...) when given.
    """
    rng = random.Random(seed)
    groups = GROUPS if n_groups is None else tuple(f"Unit {k + 1:02d}" for k in range(n_groups))
    src = frameworks_dir or REPO / "frameworks"
    (root / "frameworks").mkdir(parents=True, exist_ok=True)
    (root / "answers").mkdir(parents=True, exist_ok=True)
    for path in yaml_files(src):
        shutil.copy(path, root / "frameworks" / path.name)
    problems = Problems()
    frameworks = load_frameworks(yaml_files(root / "frameworks"), root, problems)
    if problems:
        raise SystemExit("\n".join(map(str, problems.sorted())))
    for i in range(n_teams):
        team = f"team-{i:04d}"
        maturity = rng.random()
        lines = [
            f"team: {team}",
            f"name: Team {i:04d} {rng.choice(GROUPS)} models",
            f"group: {rng.choice(groups)}",
            f"owners: ['@org/{team}']",
            "frameworks:",
        ]
        for fw in frameworks.values():
            lines.append(f"  {fw.id}:")
            if fw.levels and rng.random() < 0.5:
                lines.append(f"    target: {fw.levels[-1].number}")
            lines.append(f"    assessed: 2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}")
            lines.append("    answers:")
            for st in fw.statements:
                if st.is_rubric:
                    levels = [c.level for c in st.choices]
                    value = str(levels[min(len(levels) - 1, int(maturity * len(levels) + rng.random()))])
                else:
                    r = rng.random()
                    value = fw.scale.options[0].value if r < maturity else rng.choice(fw.scale.values)
                if rng.random() < 0.15:
                    lines.append(f"      {_quote(st.id)}:")
                    lines.append(f"        answer: {_quote(value)}")
                    lines.append(f"        note: {_quote(rng.choice(NOTES))}")
                    lines.append(f"        evidence: ['https://git.example.com/{team}/docs']")
                else:
                    lines.append(f"      {_quote(st.id)}: {_quote(value)}")
        (root / "answers" / f"{team}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    make_org(Path(sys.argv[1]), int(sys.argv[2]))
