"""The installable tool, end to end: the built wheel in a fresh virtual environment outside this repository.

init -> new-team -> validate -> build -> export / import -> diff (a real git repository) -> scores,
each run as a user would, with the venv's `maturity` and nothing from this repository on the path.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from conftest import REPO

from benchmarks.wheel import build_wheel, clean_env, fresh_venv_offline, wheelhouse


@dataclass
class Installed:
    wheel: Path
    bin: Path
    env: dict[str, str]
    work: Path

    def maturity(self, *args: str, cwd: Path | None = None, ok: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [str(self.bin / "maturity"), *args], cwd=cwd or self.work, env=self.env, capture_output=True, text=True, timeout=300
        )
        if ok:
            assert proc.returncode == 0, f"maturity {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
        return proc

    def git(self, repo: Path, *args: str) -> str:
        env = {**self.env, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com"}
        env |= {"GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}
        return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("wheel")
    assert REPO not in base.parents
    wheel = build_wheel(base)
    bin_dir = fresh_venv_offline(base / "venv", wheel, wheelhouse(base / "house"))
    work = base / "work"
    work.mkdir()
    yield Installed(wheel, bin_dir, clean_env(bin_dir), work)


def test_the_wheel_carries_everything(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    frameworks = sorted(p.name for p in (REPO / "frameworks").glob("*.yaml"))
    templates = sorted(p.name for p in (REPO / "site_templates").glob("*.j2"))
    assert len(frameworks) == 6 and len(templates) >= 6
    for name in frameworks:
        assert f"generator/shipped/frameworks/{name}" in names
    for name in templates:
        assert f"generator/shipped/site_templates/{name}" in names
    crosswalk = sorted(p.name for p in (REPO / "crosswalk").glob("*.yaml"))
    assert crosswalk == sorted([*frameworks, "practices.yaml"])  # the catalogue and one mapping per framework
    for name in crosswalk:
        assert f"generator/shipped/crosswalk/{name}" in names
    for name in ("py.typed", "assets/mkdocs.yml", "assets/theme/partials/source.html", "assets/site/maturity.css",
                 "assets/site/iframe-worker-shim.js", "schemas/answers.schema.json", "schemas/scores.schema.json",
                 "assets/scaffold/workflows/maturity-review.yml"):  # fmt: skip
        assert f"generator/{name}" in names, name
    meta = zipfile.ZipFile(installed.wheel).read("maturity_as_code-0.1.0.dist-info/METADATA").decode()
    assert "Name: maturity-as-code\n" in meta and "License-Expression: MIT\n" in meta and "License-File: LICENSE\n" in meta
    assert "maturity_as_code-0.1.0.dist-info/licenses/LICENSE" in names
    where = subprocess.run(
        [str(installed.bin / "python"), "-c", "import generator; print(generator.__file__)"],
        env=installed.env, capture_output=True, text=True, cwd=installed.work,
    ).stdout  # fmt: skip
    assert Path(where.strip()).is_relative_to(installed.bin.parent) and REPO not in Path(where.strip()).parents


def test_a_new_organisation_from_init_to_scores(installed: Installed) -> None:
    m = installed.maturity
    assert "init" in m("--help").stdout
    out = m("init", "acme", "--admin", "@acme/platform", "-f", "google-mlops", "-f", "gigaom-mlops", "--name", "Acme").stdout
    assert "2 frameworks (2 mapped to the practice catalogue), 1 example team" in out
    org = installed.work / "acme"
    assert (org / "frameworks/google-mlops.yaml").read_text().splitlines()[1:] == (
        (REPO / "frameworks/google-mlops.yaml").read_text().splitlines()[1:]
    )
    installed.git(org, "init", "-q", "-b", "main")
    installed.git(org, "add", "-A")
    installed.git(org, "commit", "-q", "-m", "start")

    team_args = ("--name", "Fraud ML", "--group", "Payments", "--owner", "@acme/fraud", "-f", "google-mlops")
    out = m("new-team", "fraud", *team_args, cwd=org)
    assert out.stdout.splitlines()[0] == "wrote answers/fraud.yaml: 20 statements to answer"
    assert "/answers/fraud.yaml @acme/fraud\n" in (org / ".github/CODEOWNERS").read_text()
    assert m("validate", cwd=org).stdout == "ok: 2 frameworks, 2 teams, 0 answers\n"
    installed.git(org, "add", "-A")
    installed.git(org, "commit", "-q", "-m", "fraud team")

    out = m("build", "--offline", cwd=org).stdout
    assert "2 teams" in out and out.splitlines()[-1].startswith("view it: open file://")
    page = (org / "site/team/fraud/index.html").read_text()
    assert "Fraud ML" in page and 'data-md-component="source"' not in page and "<title>" in page
    assert (org / "site/downloads/fraud.xlsx").is_file() and (org / "site/search/search_index.js").is_file()

    # offline workbook round trip on a branch, then the review diff against main
    installed.git(org, "checkout", "-q", "-b", "fraud-assessment")
    book = installed.work / "fraud.xlsx"
    m("export", "--team", "fraud", "-o", str(book), cwd=org)
    wb = openpyxl.load_workbook(book)
    ws = wb["google-mlops"]
    header = [c.value for c in ws[1]]
    ids, answer = header.index("ID"), header.index("Answer") + 1
    rows = {ws.cell(r, ids + 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(rows["exp.orchestrated"], answer).value = "yes"
    ws.cell(rows["train.continuous"], answer).value = "Partial "
    wb.save(book)
    out = m("import", str(book), cwd=org).stdout
    assert "fraud / google-mlops / exp.orchestrated: (not assessed) -> yes" in out
    assert "fraud / google-mlops / train.continuous: (not assessed) -> partial" in out
    assert m("validate", cwd=org).stdout == "ok: 2 frameworks, 2 teams, 2 answers\n"
    installed.git(org, "commit", "-q", "-am", "fraud answers")
    diff = json.loads(m("diff", "main", "HEAD", "--format", "json", cwd=org).stdout)
    [team] = diff["teams"]
    [fw_change] = team["frameworks"]
    assert (team["team"], fw_change["framework"], fw_change["direction"]) == ("fraud", "google-mlops", "up")
    assert diff["regressions"] == []
    assert [(s["id"], s["before"], s["after"]) for s in fw_change["statements"]] == [
        ("exp.orchestrated", None, "yes"),
        ("train.continuous", None, "partial"),
    ]
    comment = m("diff", "main", "HEAD", "--format", "markdown", cwd=org).stdout
    assert comment.startswith("<!-- maturity-diff -->") and "Fraud ML" in comment

    scores = json.loads(m("scores", "--team", "fraud", cwd=org).stdout)
    schema = json.loads((installed.bin.parent / "lib").glob("python3*/site-packages/generator/schemas/scores.schema.json")
                        .__next__().read_text())  # fmt: skip
    jsonschema.validate(scores, schema)
    [fw] = scores["teams"][0]["frameworks"]
    # google-mlops: 17 statements of weight 1, 3 of weight 2 (train.continuous one of them) -> 23 possible;
    # exp.orchestrated yes 1 x 1, train.continuous partial 0.5 x 2 -> 2 / 23
    assert (fw["id"], fw["earned"], fw["possible"], fw["statements_assessed"]) == ("google-mlops", 2.0, 23.0, 2)
    assert fw["percent"] == 8.6957
    answered = {s["id"]: (s["answer"], s["source"]["file"]) for s in fw["statements"] if s["answer"]}
    assert answered == {"exp.orchestrated": ("yes", "answers/fraud.yaml"), "train.continuous": ("partial", "answers/fraud.yaml")}

    # init brought the crosswalk of the chosen frameworks: a practice answered once shows up, inferred, in google-mlops
    assert sorted(p.name for p in (org / "crosswalk").iterdir()) == ["gigaom-mlops.yaml", "google-mlops.yaml", "practices.yaml"]
    with (org / "answers/fraud.yaml").open("a", encoding="utf-8") as fh:
        fh.write('practices:\n  answers:\n    modular-pipeline-code: "yes"\n')
    assert m("validate", cwd=org).stdout == "ok: 2 frameworks, 2 teams, 3 answers\n"  # the practice answer counts too
    [fw] = json.loads(m("scores", "--team", "fraud", "-f", "google-mlops", cwd=org).stdout)["teams"][0]["frameworks"]
    inferred = {
        s["id"]: (s["answer"], s["inferred"]["answer"], s["inferred"]["provenance"]) for s in fw["statements"] if s["inferred"]
    }
    assert inferred == {  # exp.modular is `equal` to the practice, exp.new-ideas only `intersect`s it: at most partial
        "exp.modular": (None, "yes", "inferred from practice modular-pipeline-code (equal)"),
        "exp.new-ideas": (None, "partial", "inferred from practice modular-pipeline-code (intersect)"),
    }
    assert fw["coverage"] == {"answered": 2, "inferred": 2, "missing": 16} and fw["percent"] == 8.6957  # official: unchanged


def test_bad_input_from_the_installed_tool(installed: Installed) -> None:
    m = installed.maturity
    empty = installed.work / "not-a-repo"
    empty.mkdir()
    proc = m("build", cwd=empty, ok=False)
    assert proc.returncode == 1 and "no `frameworks/` folder here or above" in proc.stderr and "Traceback" not in proc.stderr
    assert list(empty.iterdir()) == []
    proc = m("init", str(empty), "--admin", "@a/b", "-f", "nope", ok=False)
    assert proc.returncode == 1 and "the known ones are: azure-mlops, five-levels" in proc.stderr
    assert list(empty.iterdir()) == []
