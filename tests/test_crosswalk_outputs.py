"""Inferred answers in the outputs: the team page marks them and names their source; accept-inferred writes them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from conftest import REPO, Repo
from shapes import soffice_recalculate
from test_crosswalk import crosswalk, team_file

from generator.cli import main
from generator.project import load_project
from generator.site import pages, render

CATALOGUE_TEAM = """\
# Our answers, given once.
use-inferred: [pts]
practices:
  assessed: 2026-03-01
  answers:
    vcs: "yes"   # everything is in git
    auto: "yes"
    mon: partial
frameworks:
  demo:
    answers:
      r2: "no"  # explicit: never replaced
"""


def team_page(repo: Repo, tmp_path: Path) -> str:
    project = load_project(repo.root)
    assert not project.problems, project.problems.sorted()
    out = tmp_path / "docs"
    render.render_pages(pages.collect(project, pages.SiteOptions()), out)
    return (out / "team" / "t" / "index.md").read_text(encoding="utf-8")


def test_team_page_marks_inferred_answers_with_their_source_and_coverage(repo: Repo, tmp_path: Path) -> None:
    crosswalk(repo)
    repo.team("t", team_file(CATALOGUE_TEAM))
    text = team_page(repo, tmp_path)
    # demo (not opted in): officially Level 0 from the one explicit answer (r2 no); with the inferred
    # b1 yes and r1 partial (mon partial) still Level 0: the two agree, so only one is shown.
    assert "Level 0 with inferred answers" not in text
    assert "1 answered · 3 inferred · 0 missing" in text
    assert '<span class="mc-inferred">inferred</span>' in text
    assert "inferred from practice vcs (equal)" in text
    assert "inferred from practice auto (superset)" in text
    # pts is opted in: its official result counts the inferred answers, and says so.
    assert "counts inferred answers" in text
    assert "0 answered · 3 inferred · 0 missing" in text
    # rub was never answered: "not assessed", with the level inferred beside it (strategy from vcs, auto, mon).
    # rub was never answered: strategy inferred from vcs, auto, mon (level 1); people has no counterpart at level 1.
    assert "not assessed; incomplete with inferred answers" in text
    assert "0 answered · 1 inferred · 1 missing" in text
    assert "inferred from practices vcs, auto, mon (level 1 met, level 2 not)" in text
    assert "Not assessed in this framework: the chart, the gaps and the answers below count the answers inferred" in text


def test_official_and_inferred_levels_are_both_shown_when_they_differ(repo: Repo, tmp_path: Path) -> None:
    crosswalk(repo)
    repo.team(
        "t",
        team_file("practices:\n  answers: {vcs: 'yes', mon: 'yes'}\nframeworks:\n  demo:\n    answers: {b1: 'yes'}\n"),
    )
    text = team_page(repo, tmp_path)
    # explicit: b1 yes, r1 unanswered -> Level 0; with r1 inferred yes (mon covers r1) -> Level 1.
    assert "Level 0; Level 1 with inferred answers" in text


def test_accept_inferred_writes_explicit_answers_keeping_comments(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crosswalk(repo)
    path = repo.team("t", team_file(CATALOGUE_TEAM))
    before = path.read_text()
    assert main(["--root", str(repo.root), "accept-inferred", "--team", "t", "--framework", "demo", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "b1: yes  (inferred from practice vcs (equal))" in out
    assert "nothing written" in out and path.read_text() == before

    assert main(["--root", str(repo.root), "accept-inferred", "--team", "t", "--framework", "demo"]) == 0
    after = path.read_text()
    assert after.startswith(before.split("frameworks:")[0])  # comments and the practices block untouched
    assert 'r2: "no"  # explicit: never replaced' in after
    assert "Accepted from the crosswalk, inferred from practice vcs (equal)." in after
    project = load_project(repo.root)
    assert not project.problems, project.problems.sorted()
    answers = project.teams[0].frameworks["demo"].answers
    assert {sid: a.value for sid, a in answers.items()} == {"b1": "yes", "b2": "partial", "r1": "partial", "r2": "no"}
    assert str(answers["b1"].assessed) == "2026-03-01"  # the date of the practice answer it came from
    # Nothing left to accept: a second run changes nothing.
    assert main(["--root", str(repo.root), "accept-inferred", "--team", "t", "--framework", "demo"]) == 0
    assert "no inferred answers to accept" in capsys.readouterr().out
    assert path.read_text() == after


@pytest.mark.parametrize(
    ("team", "framework", "message"),
    [
        ("nobody", "demo", "no team `nobody` in answers/"),
        ("t", "nope", "no framework `nope` in frameworks/"),
    ],
)
def test_accept_inferred_refuses_unknown_ids(
    repo: Repo, capsys: pytest.CaptureFixture[str], team: str, framework: str, message: str
) -> None:
    crosswalk(repo)
    path = repo.team("t", team_file(CATALOGUE_TEAM))
    before = path.read_text()
    assert main(["--root", str(repo.root), "accept-inferred", "--team", team, "--framework", framework]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert path.read_text() == before


def test_accept_inferred_refuses_a_framework_without_mappings(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.team("t", team_file(""))
    assert main(["--root", str(repo.root), "accept-inferred", "--team", "t", "--framework", "demo"]) == 1
    assert "`demo` has no mappings in crosswalk/" in capsys.readouterr().err


def test_crosswalk_page_lists_each_practice_with_the_items_mapped_to_it(repo: Repo, tmp_path: Path) -> None:
    crosswalk(repo)
    repo.team("t", team_file(""))
    project = load_project(repo.root)
    org = pages.collect(project, pages.SiteOptions())
    out = tmp_path / "docs"
    render.render_pages(org, out)
    text = (out / "crosswalk.md").read_text(encoding="utf-8")
    assert {"Crosswalk": "crosswalk.md"} in render.nav(org)[1]["Frameworks"]
    # one heading per practice (search lands on it), each mapped item with its relationship, rationale and source
    assert "### Monitoring\n\n`mon` · Models are monitored&#46;" in text
    assert "- [Demo levels](framework/demo.md) `r1` **subset**: Models are monitored&#46; *part* (source: Demo source, 3)" in text
    rubric_line = "- [Rubric demo](framework/rub.md) `strategy@2` **superset**: level 2&#58; a lot *more*"
    assert rubric_line + " (source: Rubric source, Strategy row)" in text
    # coverage, hand-checked: the catalogue reaches every demo and pts statement, and strategy but not people
    # (people level 1 has no counterpart); demo answered in full reaches pts p1, p2, p3 (all equal to a practice
    # demo maps to) and rub strategy (vcs met by b1 equal; level 2 needs auto and mon met: b2 superset carries auto
    # in full, r1 subset carries mon capped at partial -> level 1).
    assert "| the practice catalogue | 100% | 100% | 50% |" in text
    assert "| Demo levels | - | 100% | 50% |" in text
    assert "`people@0`: floor; `people@1`: not checkable" in text


def test_no_crosswalk_page_without_a_crosswalk(repo: Repo, tmp_path: Path) -> None:
    repo.team("t", team_file(""))
    org = pages.collect(load_project(repo.root), pages.SiteOptions())
    out = tmp_path / "docs"
    render.render_pages(org, out)
    assert not (out / "crosswalk.md").exists()
    assert all("Crosswalk" not in item for item in render.nav(org)[1]["Frameworks"])


def test_diff_reads_teams_that_answer_the_catalogue(repo: Repo) -> None:
    from generator.review.snapshot import ParseCache, list_worktree, load_snapshot

    crosswalk(repo)
    repo.team("t", team_file(CATALOGUE_TEAM))
    snap = load_snapshot(list_worktree(repo.root), ParseCache())
    assert not snap.problems, snap.problems.sorted()
    team = snap.teams["t"]
    assert team.practices is not None and team.practices.answers["mon"].value == "partial"
    # a changed catalogue changes the signature, so every team is read again against it
    assert "crosswalk/practices.yaml" in dict(list_worktree(repo.root).framework_signature)


def test_scores_mark_inferred_answers_with_their_source(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """`maturity scores`: each inferred answer apart from the written ones, with its source; coverage per framework."""
    crosswalk(repo)
    repo.team("t", team_file(CATALOGUE_TEAM))
    assert main(["--root", str(repo.root), "scores"]) == 0
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, json.loads((REPO / "generator/schemas/scores.schema.json").read_text()))
    fws = {f["id"]: f for f in doc["teams"][0]["frameworks"]}
    assert list(fws) == ["demo", "pts", "rub"]  # rub has inferred answers only: listed, officially not assessed

    demo = fws["demo"]  # not opted in: officially r2 "no" alone (0 of 1); with b1 yes, b2 and r1 partial: 3 / 6
    assert (demo["headline"]["text"], demo["percent"], demo["use_inferred"]) == ("Level 0", 0.0, False)
    assert demo["with_inferred"] == {"headline": "Level 0", "level": 0, "percent": 50.0}
    assert demo["coverage"] == {"answered": 1, "inferred": 3, "missing": 0}
    st = {s["id"]: s for s in demo["statements"]}
    assert (st["b1"]["answer"], st["b1"]["source"]) == (None, None)
    assert st["b1"]["inferred"] == {
        "answer": "yes", "provenance": "inferred from practice vcs (equal)", "framework": "practices", "item": "vcs",
        "practice": "vcs", "relationships": ["equal"], "counted": False,
    }  # fmt: skip
    got = {sid: (s["inferred"]["answer"], s["inferred"]["provenance"]) for sid, s in st.items() if s["inferred"]}
    assert got == {
        "b1": ("yes", "inferred from practice vcs (equal)"),
        "b2": ("partial", "inferred from practice auto (superset)"),  # superset: the practice is only part of b2
        "r1": ("partial", "inferred from practice mon (subset)"),  # mon is partial
    }
    assert (st["r2"]["answer"], st["r2"]["inferred"], st["r2"]["source"]["file"]) == ("no", None, "answers/t.yaml")

    pts = fws["pts"]  # opted in: the inferred answers count (full, full, half -> 2.5 / 3), never as written by the team
    assert (pts["use_inferred"], pts["percent"], pts["with_inferred"]) == (True, 83.3333, None)
    assert [(s["answer"], s["source"], s["inferred"]["counted"]) for s in pts["statements"]] == [
        ("full", None, True), ("full", None, True), ("half", None, True),
    ]  # fmt: skip
    rub = fws["rub"]
    assert (rub["headline"]["text"], rub["with_inferred"]["headline"], rub["coverage"]) == (
        "not assessed", "incomplete", {"answered": 0, "inferred": 1, "missing": 1},
    )  # fmt: skip
    strategy = rub["statements"][0]["inferred"]
    assert strategy["provenance"] == "inferred from practices vcs, auto, mon (level 1 met, level 2 not)"

    assert main(["--root", str(repo.root), "scores", "--format", "csv", "--framework", "demo"]) == 0
    rows = {r["statement"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert (rows["b1"]["answer"], rows["b1"]["inferred_answer"], rows["b1"]["inferred_from"]) == (
        "", "yes", "inferred from practice vcs (equal)",
    )  # fmt: skip
    r2 = rows["r2"]
    assert (r2["answer"], r2["inferred_answer"], r2["source"]) == ("no", "", "answers/t.yaml:14")  # line 14: `r2: "no"`


def test_scores_of_a_team_that_answers_only_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    """answers/recommendations.yaml answers the practices alone and opts two frameworks in: all six are listed."""
    assert main(["--root", str(REPO), "scores", "--team", "recommendations"]) == 0
    [team] = json.loads(capsys.readouterr().out)["teams"]
    fws = {f["id"]: f for f in team["frameworks"]}
    assert sorted(fws) == sorted(p.stem for p in (REPO / "frameworks").glob("*.yaml"))
    google = fws["google-mlops"]
    assert google["use_inferred"] and google["coverage"] == {"answered": 0, "inferred": 20, "missing": 0}
    assert all(s["source"] is None and s["inferred"]["counted"] for s in google["statements"])
    assert all(s["inferred"]["framework"] == "practices" for s in google["statements"])
    community = fws["mlops-community"]  # not opted in: officially not assessed, the inferred answers beside
    assert community["headline"]["text"] == "not assessed" and community["with_inferred"] is not None
    assert all(s["answer"] is None and s["inferred"] is not None for s in community["statements"])


def test_workbook_lists_inferred_answers_read_only_and_import_leaves_them_out(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The team's workbook shows each inferred answer and its source on a protected sheet; import never reads it."""
    crosswalk(repo)
    repo.team("t", team_file(CATALOGUE_TEAM))
    book = tmp_path / "t.xlsx"
    assert main(["--root", str(repo.root), "export", "-f", "demo", "-f", "pts", "-t", "t", "-o", str(book)]) == 0
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames.index("Inferred") == wb.sheetnames.index("pts") + 1  # right after the framework sheets
    ws = wb["Inferred"]
    assert ws.protection.sheet
    assert list(ws.iter_rows(values_only=True)) == [
        ("Framework", "ID", "Statement", "Inferred answer", "Inferred from"),
        ("demo", "b1", "Code is versioned.", "Yes", "inferred from practice vcs (equal)"),
        ("demo", "b2", "Builds are automated.", "Partial", "inferred from practice auto (superset)"),
        ("demo", "r1", "Models are monitored.", "Partial", "inferred from practice mon (subset)"),
        ("pts", "p1", "One.", "full", "inferred from practice vcs (equal)"),
        ("pts", "p2", "Two.", "full", "inferred from practice auto (equal)"),
        ("pts", "p3", "Three.", "half", "inferred from practice mon (equal)"),
    ]  # r2 is answered ("no"): nothing inferred for it; pts labels are its values (the scale gives no labels)
    demo = wb["demo"]
    header = [c.value for c in demo[1]]
    answers = {r[header.index("ID")]: r[header.index("Answer")] for r in demo.iter_rows(min_row=2, values_only=True)}
    assert answers == {"b1": None, "b2": None, "r1": None, "r2": "No"}  # the answer cells hold the team's own answers only
    told = " ".join(str(c.value) for c in wb["Instructions"]["A"] if c.value)
    assert "An Inferred sheet, when there is one, lists answers inferred through the crosswalk" in told
    assert "import never reads it" in told and "maturity accept-inferred" in told

    before = (repo.root / "answers/t.yaml").read_bytes()
    [resaved] = soffice_recalculate(tmp_path / "lo", book)
    assert main(["--root", str(repo.root), "import", str(resaved)]) == 0
    assert "no changes" in capsys.readouterr().out and (repo.root / "answers/t.yaml").read_bytes() == before

    assert main(["--root", str(repo.root), "export", "-f", "demo", "-o", str(tmp_path / "blank.xlsx")]) == 0
    assert "Inferred" not in openpyxl.load_workbook(tmp_path / "blank.xlsx").sheetnames  # a blank workbook has none


def _answer_in(book: Path, sheet: str, answers: dict[str, str]) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        sid = ws.cell(r, header.index("ID") + 1).value
        if sid in answers:
            ws.cell(r, header.index("Answer") + 1).value = answers[sid]
    wb.save(book)


def test_the_practice_catalogue_is_answered_in_a_workbook(repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`export -f practices` gives the catalogue as a sheet; import writes it back into the team's `practices:` block."""
    crosswalk(repo)
    repo.team("t", team_file(CATALOGUE_TEAM))
    book = tmp_path / "t.xlsx"
    assert main(["--root", str(repo.root), "export", "-t", "t", "-o", str(book)]) == 0
    assert "(team t; demo, practices)" in capsys.readouterr().out  # what the team answered: demo and the catalogue
    ws = openpyxl.load_workbook(book)["practices"]
    header = [c.value for c in ws[1]]
    given = {r[header.index("ID")]: r[header.index("Answer")] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert given == {"vcs": "Yes", "mon": "Partial", "auto": "Yes", "retrain": None}  # catalogue order

    _answer_in(book, "practices", {"mon": "yes", "retrain": "No"})
    assert main(["--root", str(repo.root), "import", str(book), "--keep-dates"]) == 0
    out = capsys.readouterr().out
    assert "t / practices / mon: partial -> yes" in out and "t / practices / retrain: (not assessed) -> no" in out
    text = (repo.root / "answers/t.yaml").read_text()
    assert '    vcs: "yes"   # everything is in git\n' in text  # the rest of the block, comments included, as it was
    assert "    mon: yes\n" in text and '    retrain: "no"\n' in text
    team = load_project(repo.root).team("t")
    assert team is not None and team.practices is not None
    practices = {sid: a.value for sid, a in team.practices.answers.items()}
    assert practices == {"vcs": "yes", "auto": "yes", "mon": "yes", "retrain": "no"}
    assert {sid: a.value for sid, a in team.frameworks["demo"].answers.items()} == {"r2": "no"}  # untouched

    # a team that has not answered the catalogue yet gets a `practices:` block at the end of its file
    blank = tmp_path / "blank.xlsx"
    assert main(["--root", str(repo.root), "export", "-f", "practices", "-o", str(blank)]) == 0
    _answer_in(blank, "practices", {"vcs": "Yes"})
    repo.team("u", team_file("frameworks:\n  demo:\n    answers: {b1: 'yes'}\n").replace("team: t", "team: u"))
    before = (repo.root / "answers/u.yaml").read_text()
    assert main(["--root", str(repo.root), "import", str(blank), "--team", "u", "--keep-dates"]) == 0
    assert (repo.root / "answers/u.yaml").read_text() == before + 'practices:\n  answers:\n    "vcs": "yes"\n'
