"""`maturity init`, `new-team`, `list` and `validate --format github`: a repository anyone can start, teams added in one step."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import openpyxl
import pytest
import yaml
from conftest import REPO
from test_review_workflows import actionlint

from generator import scaffold
from generator.cli import main
from generator.project import load_project

ADMIN = "@acme/platform"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_init_writes_a_valid_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "org"
    code, out, err = run(capsys, "init", str(target), "--admin", ADMIN, "-f", "google-mlops", "-f", "five-levels")
    assert code == 0, err
    schemas = [f"schemas/{p.name}" for p in (REPO / "generator/schemas").glob("*.schema.json")]  # every published schema
    assert {"schemas/answers.schema.json", "schemas/framework.schema.json", "schemas/settings.schema.json"} <= set(schemas)
    assert f"{14 + len(schemas)} files, 2 frameworks (2 mapped to the practice catalogue), 1 example team" in out
    assert tree(target) == sorted([
        ".github/CODEOWNERS",
        ".github/workflows/maturity-pages.yml",
        ".github/workflows/maturity-review.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "README.md",
        "answers/example-team.yaml",
        "crosswalk/five-levels.yaml",
        "crosswalk/google-mlops.yaml",
        "crosswalk/practices.yaml",
        "frameworks/five-levels.yaml",
        "frameworks/google-mlops.yaml",
        "maturity.yml",
        "mkdocs.yml",
        *schemas,
    ])  # fmt: skip
    # the frameworks are the shipped ones, with the editor's schema comment pointing inside the new repository
    shipped = (REPO / "frameworks/google-mlops.yaml").read_text().split("\n", 1)[1]
    copied = (target / "frameworks/google-mlops.yaml").read_text()
    assert copied == "# yaml-language-server: $schema=../schemas/framework.schema.json\n" + shipped
    # the crosswalk comes along for the chosen frameworks only, so their answers cross between them
    mapping = (REPO / "crosswalk/google-mlops.yaml").read_text().split("\n", 1)[1]
    assert (target / "crosswalk/google-mlops.yaml").read_text() == (
        "# yaml-language-server: $schema=../schemas/crosswalk.schema.json\n" + mapping
    )
    project = load_project(target)
    assert not project.problems.items and sorted(project.frameworks) == ["five-levels", "google-mlops"]
    assert project.crosswalk is not None and sorted(project.crosswalk.maps) == ["five-levels", "google-mlops"]
    assert project.settings.admins == (ADMIN,)
    example = project.teams[0]
    assert example.id == "example-team" and example.owners == (ADMIN,)
    assert all(not fa.answers for fa in example.frameworks.values())
    body = [x for x in (target / ".github/CODEOWNERS").read_text().splitlines() if x and not x.startswith("#")]
    assert body == [f"* {ADMIN}", f"/frameworks/ {ADMIN}", f"/.github/ {ADMIN}", f"/answers/example-team.yaml {ADMIN}"]
    review = yaml.safe_load((target / ".github/workflows/maturity-review.yml").read_text())
    # by default the tool comes from where its package metadata says it is published ([project.urls] Source)
    assert review["jobs"]["review"]["steps"][1]["uses"] == "maturity-as-code/maturity-as-code@v0.1.0"
    hooks = yaml.safe_load((target / ".pre-commit-config.yaml").read_text())
    assert hooks["repos"][0]["hooks"] == [{"id": "maturity-validate"}] and hooks["repos"][0]["rev"] == "v0.1.0"
    workflows = [str(p) for p in (target / ".github/workflows").glob("*.yml")]
    proc = subprocess.run([actionlint(), "-no-color", *workflows], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
    assert run(capsys, "--root", str(target), "validate")[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "google-mlop"], "unknown framework `google-mlop` (did you mean `google-mlops`?); the known ones are: azure"),
        (["--admin", "nobody here"], "admin `nobody here` must be a GitHub @user, @org/team or an email address"),
        ([], "name the admins who own the frameworks and settings: --admin"),
        (["--tool-repo", "acme tools"], "--tool-repo `acme tools` is not a GitHub repository: give OWNER/REPO"),
        (["--tool-ref", "v1..2"], "--tool-ref `v1..2` is not a tag or branch name"),
    ],
)
def test_init_refuses_bad_requests(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    admin = [] if not args or args[0] == "--admin" else ["--admin", ADMIN]
    code, _, err = run(capsys, "init", str(tmp_path / "org"), *admin, *args)
    assert code == 1 and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written, no staging folder left


def test_init_names_where_the_tool_is_installed_from(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--tool-repo/--tool-ref go into the action, the pip install of the Pages workflow and the pre-commit config."""
    target = tmp_path / "org"
    args = ["--tool-repo", "https://github.com/acme/maturity-tool.git", "--tool-ref", "release/2.0"]
    code, _, err = run(capsys, "init", str(target), "--admin", ADMIN, "-f", "google-mlops", *args)
    assert code == 0, err
    review = yaml.safe_load((target / ".github/workflows/maturity-review.yml").read_text())
    assert review["jobs"]["review"]["steps"][1]["uses"] == "acme/maturity-tool@release/2.0"
    pages = yaml.safe_load((target / ".github/workflows/maturity-pages.yml").read_text())
    install = [s["run"] for s in pages["jobs"]["build"]["steps"] if s.get("name") == "Install maturity"]
    assert install == ['python -m pip install "maturity-as-code @ git+https://github.com/acme/maturity-tool@release/2.0"']
    hooks = yaml.safe_load((target / ".pre-commit-config.yaml").read_text())
    assert hooks["repos"] == [
        {"repo": "https://github.com/acme/maturity-tool", "rev": "release/2.0", "hooks": [{"id": "maturity-validate"}]}
    ]
    workflows = [str(p) for p in (target / ".github/workflows").glob("*.yml")]
    proc = subprocess.run([actionlint(), "-no-color", *workflows], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_init_without_a_known_tool_source_asks_for_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scaffold, "published_repository", lambda: "")  # an installation whose metadata names no Source
    code, _, err = run(capsys, "init", str(tmp_path / "org"), "--admin", ADMIN)
    assert code == 1 and "pass --tool-repo OWNER/REPO" in err and list(tmp_path.iterdir()) == []


def test_init_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    code, _, err = run(capsys, "init", str(tmp_path), "--admin", ADMIN)
    assert code == 1 and "is not empty" in err and "--existing" in err
    assert tree(tmp_path) == ["notes.txt"]
    assert run(capsys, "init", str(tmp_path), "--admin", ADMIN, "--existing")[0] == 0
    assert (tmp_path / "notes.txt").read_text() == "mine" and (tmp_path / "frameworks/mlops-community.yaml").is_file()
    (tmp_path / "README.md").write_text("changed")
    code, _, err = run(capsys, "init", str(tmp_path), "--admin", ADMIN, "--existing")
    assert code == 1 and "already has " in err and "README.md" in err and "never overwritten" in err
    assert (tmp_path / "README.md").read_text() == "changed"


@pytest.fixture
def org(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert run(capsys, "init", str(tmp_path / "org"), "--admin", ADMIN, "-f", "google-mlops", "-f", "gigaom-mlops")[0] == 0
    return tmp_path / "org"


def test_new_team_lists_every_statement_unanswered_and_updates_codeowners(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "--root", str(org), "new-team", "fraud", "--name", "Fraud ML", "--group", "Payments",
        "--owner", "@acme/fraud", "--owner", "ml@acme.example", "-f", "gigaom-mlops", "-f", "google-mlops",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines() == [
        "wrote answers/fraud.yaml: 25 statements to answer",
        "updated .github/CODEOWNERS: answers/fraud.yaml is reviewed by @acme/fraud ml@acme.example",
    ]
    text = (org / "answers/fraud.yaml").read_text()
    assert text.startswith(
        "# yaml-language-server: $schema=../schemas/answers.schema.json\nteam: fraud\nname: \"Fraud ML\"\ngroup: \"Payments\"\n"
        'owners: ["@acme/fraud", "ml@acme.example"]\nframeworks:\n  gigaom-mlops:\n'
    )
    project = load_project(org)
    fw = project.frameworks["google-mlops"]
    placeholders = [line.strip() for line in text.splitlines() if line.strip().endswith(': ""')]
    expected = [f'# {s.id}: ""' for s in (*project.frameworks["gigaom-mlops"].statements, *fw.statements)]
    assert placeholders == expected  # every statement, in order, unanswered
    assert "# orchestrated sequence; nobody has to start the next step by hand. [level 1]" in text
    team = project.team("fraud")
    assert team is not None and not project.problems.items and all(not fa.answers for fa in team.frameworks.values())
    assert "/answers/fraud.yaml @acme/fraud ml@acme.example\n" in (org / ".github/CODEOWNERS").read_text()
    assert f"* {ADMIN}\n" in (org / ".github/CODEOWNERS").read_text()
    assert run(capsys, "--root", str(org), "validate")[:2] == (0, "ok: 2 frameworks, 2 teams, 0 answers\n")
    assert run(capsys, "--root", str(org), "codeowners", "--check")[0] == 0


def test_answer_schema_follows_the_frameworks(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The schema `init` writes names the chosen frameworks' ids; a framework added later makes it stale until rewritten."""
    path = org / "schemas/answers.schema.json"
    data = json.loads(path.read_text())
    assert list(data["properties"]["frameworks"]["properties"]) == ["gigaom-mlops", "google-mlops"]
    assert data["properties"]["use-inferred"]["items"] == {"enum": ["gigaom-mlops", "google-mlops"]}  # both mapped
    assert "business-goals" in data["$defs"]["catalogue"]["properties"]["answers"]["properties"]
    example = yaml.safe_load((org / "answers/example-team.yaml").read_text())
    example["frameworks"]["google-mlops"]["answers"] = {"exp.modular": "yes"}
    jsonschema.validate(example, data)
    example["frameworks"]["google-mlops"]["answers"] = {"exp.modular": "yes", "exp.typo": "no"}
    with pytest.raises(jsonschema.ValidationError, match="'exp.typo' was unexpected"):
        jsonschema.validate(example, data)

    shutil.copy(REPO / "frameworks/five-levels.yaml", org / "frameworks/five-levels.yaml")
    code, out, err = run(capsys, "--root", str(org), "validate")
    stale = "schemas/answers.schema.json:1:1: warning: out of step with frameworks/"
    assert code == 0 and err.startswith(stale) and "run `maturity schema`" in err
    before = path.read_bytes()
    code, _, err = run(capsys, "--root", str(org), "schema", "--check")
    assert code == 1 and "out of step with frameworks/" in err and path.read_bytes() == before
    code, out, _ = run(capsys, "--root", str(org), "schema")
    assert (code, out) == (0, "wrote schemas/answers.schema.json: 3 frameworks, 42 statement ids\n")
    frameworks = json.loads(path.read_text())["properties"]["frameworks"]["properties"]
    assert list(frameworks) == ["five-levels", "gigaom-mlops", "google-mlops"]
    shutil.rmtree(org / "crosswalk")  # without a crosswalk, `practices:` and `use-inferred:` are not offered
    assert run(capsys, "--root", str(org), "schema")[0] == 0
    assert {"practices", "use-inferred"}.isdisjoint(json.loads(path.read_text())["properties"])
    assert run(capsys, "--root", str(org), "validate")[2] == ""  # in step again: no warning
    assert run(capsys, "--root", str(org), "schema", "--check")[:2] == (0, "schemas/answers.schema.json is up to date\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["example-team", "--name", "X", "-f", "google-mlops"], "team `example-team` already exists (answers/example-team.yaml)"),
        (["../evil", "--name", "X", "-f", "google-mlops"], "team id `../evil` is not a safe slug"),
        (["Fraud", "--name", "X", "-f", "google-mlops"], "team id `Fraud` is not a safe slug"),
        (["fraud", "--name", "X", "-f", "azure-mlops"], "unknown framework `azure-mlops` (did you mean `google-mlops`?)"),
        (["fraud", "--name", "X"], "name at least one --framework; the known ones are: gigaom-mlops, google-mlops"),
        (["fraud", "--name", "X", "-f", "google-mlops", "--owner", "bob"], "owner `bob` must be a GitHub @user"),
    ],
)
def test_new_team_refuses(org: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    before = {p: p.read_bytes() for p in org.rglob("*") if p.is_file()}
    code, _, err = run(capsys, "--root", str(org), "new-team", *args)
    assert code == 1 and message in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in org.rglob("*") if p.is_file()} == before


def test_new_team_in_this_repository_keeps_admins_and_agrees_with_validate_and_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new team's first pull request in the reference repository: validate, build and CODEOWNERS agree."""
    copy = tmp_path / "repo"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    for name in filter(None, tracked.split("\0")):
        if (REPO / name).is_file() and not (REPO / name).is_symlink():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    code, out, err = run(
        capsys, "--root", str(copy), "new-team", "payments-risk", "--name", "Payments Risk", "--group", "Payments",
        "--owner", "@acme/payments-risk", "-f", "google-mlops", "-f", "mlops-community",
    )  # fmt: skip
    assert code == 0, err
    assert (copy / "answers/payments-risk.yaml").read_text().startswith(
        "# yaml-language-server: $schema=../schemas/answers.schema.json\n"
    )
    before = (REPO / ".github/CODEOWNERS").read_text()
    new_line = "/answers/payments-risk.yaml @acme/payments-risk\n"
    at = before.index("/answers/recommendations.yaml")  # sorted by path: the new team goes before recommendations
    assert (copy / ".github/CODEOWNERS").read_text() == before[:at] + new_line + before[at:]  # admins and all else kept
    assert run(capsys, "--root", str(copy), "codeowners", "--check")[0] == 0
    code, out, err = run(capsys, "--root", str(copy), "validate")
    teams = len(list((REPO / "answers").glob("*.yaml"))) + 1
    assert (code, err) == (0, "") and out.startswith(f"ok: 6 frameworks, {teams} teams")
    code, out, err = run(capsys, "--root", str(copy), "build", "--site-dir", str(tmp_path / "site"))
    assert code == 0 and "warning" not in err and f"{teams} teams" in out
    assert (tmp_path / "site/team/payments-risk/index.html").is_file()


def test_list(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--root", str(org), "list", "frameworks")
    assert code == 0 and out == (
        "gigaom-mlops  5 statements   v1    GigaOm MLOps maturity model\n"
        "google-mlops  20 statements  v1.0  Google Cloud MLOps levels\n"
    )
    teams = run(capsys, "--root", str(org), "list", "teams")[1]
    assert teams == "example-team  Example group  gigaom-mlops,google-mlops  Example team\n"
    lines = run(capsys, "--root", str(org), "list", "statements", "gigaom-mlops")[1].splitlines()
    dimensions = ("strategy", "architecture", "modeling", "processes", "governance")
    assert [line.split()[:2] for line in lines] == [[s, "rubric"] for s in dimensions]
    code, _, err = run(capsys, "--root", str(org), "list", "statements", "gogle-mlops")
    assert code == 1 and "unknown framework `gogle-mlops` (did you mean `google-mlops`?)" in err
    out = run(capsys, "list", "frameworks", "--library")[1]
    assert [line.split()[0] for line in out.splitlines()] == [
        "azure-mlops", "five-levels", "gigaom-mlops", "google-mlops", "mature-mlops-areas", "mlops-community",
    ]  # fmt: skip


def test_validate_github_annotations(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    team = org / "answers/example-team.yaml"
    text = team.read_text().replace('      # exp.orchestrated: ""', '      exp.orchestrated: "::add-mask::x 100%"', 1)
    team.write_text(text.replace('group: "Example group"', 'gruop: "Example group"'))
    code, out, err = run(capsys, "--root", str(org), "validate", "--format", "github")
    assert code == 1
    line = next(i for i, x in enumerate(text.splitlines(), 1) if "exp.orchestrated:" in x)
    assert out.splitlines() == [
        "::error file=answers/example-team.yaml,line=4,col=1,title=maturity validate::unknown key `gruop` in answer file "
        "(did you mean `group`?)",
        # one line per problem whatever the text; '%' escaped as the runner decodes it; '::' mid-line starts nothing
        f"::error file=answers/example-team.yaml,line={line},col=25,title=maturity validate::`::add-mask::x 100%25` is not "
        "on the answer scale of `google-mlops`; use one of: yes, partial, no, n/a",
    ]
    assert f"answers/example-team.yaml:{line}:25: `::add-mask::x 100%` is not on the answer scale" in err  # readable form too


def test_annotation_escapes_what_the_runner_decodes() -> None:
    from generator.problems import Problem
    from generator.review.annotations import annotation

    p = Problem("answers/a,b:c.yaml", 3, 0, "50% done\n::error::injected\r", "warning")
    assert annotation(p) == (
        "::warning file=answers/a%2Cb%3Ac.yaml,line=3,col=1,title=maturity validate::50%25 done\\n::error::injected\\r"
    )


def _fill(book: Path, answers: dict[str, dict[str, str]]) -> None:
    """Type answers into a workbook's Answer cells, as a person would (sheet -> statement id -> cell text)."""
    wb = openpyxl.load_workbook(book)
    for sheet, by_id in answers.items():
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        id_col, answer_col = header.index("ID") + 1, header.index("Answer") + 1
        for row in range(2, ws.max_row + 1):
            sid = ws.cell(row, id_col).value
            if sid in by_id:
                ws.cell(row, answer_col).value = by_id[sid]
    wb.save(book)


def test_import_into_a_new_team_file_leaves_no_template_lines(
    org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The commented statements `new-team` wrote give way to the imported answers; the team's own comments stay."""
    assert run(
        capsys, "--root", str(org), "new-team", "fraud", "--name", "Fraud", "-f", "google-mlops", "-f", "gigaom-mlops"
    )[0] == 0  # fmt: skip
    path = org / "answers/fraud.yaml"
    mine = "      # Ours: the pipelines live in git.example.com/fraud/pipelines"
    path.write_text(path.read_text().replace("    answers:\n", f"    answers:\n{mine}\n", 1))
    book = tmp_path / "fraud.xlsx"
    frameworks = ["-f", "google-mlops", "-f", "gigaom-mlops"]
    assert run(capsys, "--root", str(org), "export", *frameworks, "-t", "fraud", "-o", str(book))[0] == 0
    google = load_project(org).frameworks["google-mlops"]
    _fill(book, {"google-mlops": {st.id: "Yes" for st in google.statements}, "gigaom-mlops": {"strategy": "2"}})
    code, _, err = run(capsys, "--root", str(org), "import", str(book), "--keep-dates")
    assert code == 0, err

    text = path.read_text()
    lines = text.splitlines()
    start, end = lines.index("  google-mlops:"), lines.index("  gigaom-mlops:")
    assert lines[start:end] == [
        "  google-mlops:",
        "    answers:",
        *(f'      "{st.id}": "yes"' for st in google.statements),
        mine,
    ]  # every statement answered: its text, placeholder, section headings and the framework's hint are gone
    gigaom = lines[end:]
    assert '      # strategy: ""' not in gigaom and '      "strategy": "2"' in gigaom
    assert '      # architecture: ""' in gigaom and "      # ---- Architecture ----" in gigaom  # still to answer
    assert "      # ---- Strategy ----" not in gigaom and gigaom[1].startswith("    # GigaOm MLOps maturity model")
    project = load_project(org)
    team = project.team("fraud")
    assert not project.problems.items and team is not None
    assert len(team.frameworks["google-mlops"].answers) == 20 and dict(team.frameworks["gigaom-mlops"].answers).keys() == {
        "strategy"
    }
