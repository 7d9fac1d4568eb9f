"""An activity-shaped framework: dimension > sub-dimension > activity, and statement ids that change across versions."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from shapes import SHAPES, load, pages_of, run, shapes_repo
from test_review_support import GitRepo

from generator.scoring import score

V2 = (SHAPES / "frameworks" / "activities.yaml").read_text()
#: The same framework as it was in version 1: the signing activity had another id.
V1 = (
    V2.replace('version: "2.0"', 'version: "1.0"')
    .replace("id: sign-artifacts", "id: artifact-signing")
    .replace("            aliases: [artifact-signing]   # its id in version 1\n", "")
    + "          - {id: retired-check, text: A check version 2 dropped., level: 3, source: B-X}\n"
)


def test_an_answer_under_an_old_id_counts_and_an_unknown_one_is_a_located_warning(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, SHAPES, "validate")
    assert code == 0, err
    text = (SHAPES / "answers" / "team-d.yaml").read_text().splitlines()
    old = next(i for i, t in enumerate(text, 1) if t.strip().startswith("artifact-signing:"))
    gone = next(i for i, t in enumerate(text, 1) if t.strip().startswith("retired-check:"))
    assert f"answers/team-d.yaml:{old}:7: warning: `artifact-signing` is now `sign-artifacts`" in err
    assert f"answers/team-d.yaml:{gone}:7: warning: `activities` (version 2.0) has no statement `retired-check`" in err
    auto = next(i for i, t in enumerate(text, 1) if t.strip().startswith("release-auto:"))
    assert f"answers/team-d.yaml:{auto}:1: warning: `release-auto` is met but it depends on `release-canary`, which is not" in err
    project = load()
    fw = project.frameworks["activities"]
    team = project.team("team-d")
    assert team is not None
    fa = team.frameworks["activities"]
    assert dict(fa.renamed) == {"artifact-signing": "sign-artifacts"} and fa.dropped == ("retired-check",)
    result = score(fw, fa)
    assert result.by_id["sign-artifacts"].met
    # build: levels 1 and 2 all met (the renamed answer among them); deploy: release-canary "no" holds it at 1
    assert [(d.section.id, d.level) for d in result.dimensions] == [("build", 2), ("deploy", 1)]
    assert result.level == 1
    assert result.percent == pytest.approx(100 * 8 / 12)


def test_migrate_renames_the_old_ids_keeping_everything_else(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = shapes_repo(tmp_path)
    path = root / "answers" / "team-d.yaml"
    before = path.read_text()
    code, out, err = run(capsys, root, "migrate", "--dry-run")
    assert code == 0, err
    assert "answers/team-d.yaml: activities: artifact-signing -> sign-artifacts" in out
    assert "answers/team-d.yaml: activities: `retired-check` is not in version 2.0; left as it is" in out
    assert path.read_text() == before
    code, out, err = run(capsys, root, "migrate")
    assert code == 0 and "renamed 1 answer in 1 files" in err
    assert path.read_text() == before.replace(
        '      artifact-signing: "yes"   # written against version 1', '      sign-artifacts: "yes"   # written against version 1'
    )  # the comment above it and every other byte kept
    code, out, err = run(capsys, root, "migrate")
    assert "renamed 0 answers" in err
    code, out, err = run(capsys, root, "validate")
    assert code == 0 and "is now" not in err and "retired-check" in err


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("[ci-cache]", "alias `ci-cache` of `sign-artifacts` is the id of a live statement"),
        ("[artifact-signing, ci-old]", "alias `ci-old` points to two statements: `ci-runs` and `sign-artifacts`"),
    ],
)
def test_bad_aliases_are_refused_and_migrate_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], alias: str, message: str
) -> None:
    root = shapes_repo(tmp_path)
    fw_path = root / "frameworks" / "activities.yaml"
    text = fw_path.read_text().replace("aliases: [artifact-signing]", f"aliases: {alias}")
    text = text.replace("{id: ci-runs, text:", "{id: ci-runs, aliases: [ci-old], text:")
    fw_path.write_text(text)
    before = (root / "answers" / "team-d.yaml").read_bytes()
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "id: sign-artifacts" in t)
    code, _, err = run(capsys, root, "validate")
    assert code == 1 and f"frameworks/activities.yaml:{line}:" in err and message in err
    code, _, err = run(capsys, root, "migrate")
    assert code == 1 and message in err and "nothing migrated" in err
    assert (root / "answers" / "team-d.yaml").read_bytes() == before


def test_diff_of_a_framework_upgrade_shows_what_it_did_to_each_team(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("frameworks/activities.yaml", V1)
    repo.write("answers/team-d.yaml", (SHAPES / "answers" / "team-d.yaml").read_text())
    repo.commit("version 1")
    repo.write("frameworks/activities.yaml", V2)
    repo.commit("version 2")
    code, out, err = run(capsys, repo.root, "diff", "HEAD~1", "HEAD")
    assert code == 0, err
    assert "unreadable" not in out and "problems" not in out  # warnings are not problems that skip a file
    assert "| ▼ | Team D `team-d` | Platform activities | Level 1 · 69% | Level 1 · 67% |" in out  # 9 of 13, then 8 of 12
    assert "activities 2.0: answers under renamed ids still count \\(`artifact-signing` → `sign-artifacts`\\)" in out
    assert "activities 2.0: answers to statements it no longer has are left out \\(`retired-check`\\)" in out
    assert "| `retired-check`  | yes | not assessed |  |" in out
    assert "sign-artifacts" not in out.split("| Statement |")[1].split("</details>")[0]  # same answer, renamed: no change


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "depends_on: [artifact-store]",
            "depends_on: [artifact-stor]",
            "`sign-artifacts` depends on unknown statement `artifact-stor`",
        ),
        (
            "depends_on: [artifact-store]",
            "depends_on: [artifact-sbom]",
            "depends_on goes round in a circle: sign-artifacts -> artifact-sbom -> sign-artifacts",
        ),
    ],
)
def test_bad_dependencies_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    root = shapes_repo(tmp_path)
    path = root / "frameworks" / "activities.yaml"
    text = path.read_text().replace(old, new)
    text = text.replace("level: 3, source: B-A3}", "level: 3, source: B-A3, depends_on: [sign-artifacts]}")
    path.write_text(text)
    code, _, err = run(capsys, root, "validate")
    assert code == 1 and message in err and "frameworks/activities.yaml:" in err


def test_framework_page_shows_dependencies(tmp_path: Path) -> None:
    page = (pages_of(SHAPES, tmp_path / "docs") / "framework" / "activities.md").read_text()
    assert "depends on <code>release&#45;canary</code>" in page or "depends on <code>release-canary</code>" in page
    # A statement's title is its heading (the anchor search lands on); its text follows.
    heading = (
        '<h5 class="mc-statement" id="st-sign-artifacts" data-mc-a0="|3|" data-mc-a1="|4|" data-mc-a2="|supply-chain|safety|">'
        '<span class="mc-id">sign-artifacts</span> Signed artifacts</h5>'
    )
    assert heading in page
    assert '<div class="mc-md mc-statement-text">\n<p>Artifacts are signed when they are built.</p>' in page


def test_blockers_list_prerequisites_first() -> None:
    from types import MappingProxyType

    from generator.model import Answer, FrameworkAnswers

    fw = load().frameworks["activities"]
    level_one = {s.id: Answer(s.id, "yes") for s in fw.statements if s.level == 1}
    result = score(fw, FrameworkAnswers("activities", MappingProxyType(level_one)))
    assert result.level == 1
    # level 2, in framework order within each step: first what depends on nothing, then what depends on one statement
    assert result.blockers == ("ci-cache", "config-review", "sign-artifacts", "release-canary")


def test_a_statement_title_leads_its_text_in_the_workbook_and_on_the_team_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = shapes_repo(tmp_path)
    book = tmp_path / "d.xlsx"
    assert run(capsys, root, "export", "-t", "team-d", "-o", str(book))[0] == 0
    ws = openpyxl.load_workbook(book)["activities"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[header.index("ID")] == "sign-artifacts")
    assert row[header.index("Statement")] == "Signed artifacts: Artifacts are signed when they are built."
    page = (pages_of(root, tmp_path / "docs") / "team" / "team-d" / "index.md").read_text()
    assert "<td>sign-artifacts</td><td>Signed artifacts: Artifacts are signed when they are built.</td>" in page


def test_import_edits_an_answer_written_under_an_old_id_where_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from shapes import fill

    root = shapes_repo(tmp_path)
    book, filled = tmp_path / "d.xlsx", tmp_path / "filled.xlsx"
    assert run(capsys, root, "export", "-t", "team-d", "-o", str(book))[0] == 0
    fill(book, filled, "activities", {"sign-artifacts": "No"})
    code, out, err = run(capsys, root, "import", str(filled))
    assert code == 0, err
    assert "team-d / activities / sign-artifacts: yes -> no" in out
    text = (root / "answers" / "team-d.yaml").read_text()
    # The answer under the version-1 id is changed in place, its comments kept; no second answer appears.
    edited = '      # signing was set up in March\n      artifact-signing:\n        answer: "no"   # written against version 1\n'
    assert edited in text
    assert "sign-artifacts" not in text
    team = load(root).team("team-d")
    assert team is not None
    assert score(load(root).frameworks["activities"], team.frameworks["activities"]).result("sign-artifacts").status == "no"
