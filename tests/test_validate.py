"""`maturity validate`: every hostile input gives one located message and exit 1, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from conftest import REPO, Repo

from generator.cli import main
from generator.yamlsource import MAX_FILE_BYTES

GOOD_TEAM = """\
team: good
name: Good team
owners: ["@org/good"]
frameworks:
  demo:
    target: 2
    answers:
      b1: "yes"
      r1: {answer: partial, note: half done, evidence: ["https://example.com/x"], assessed: 2026-01-02}
"""


def run(repo: Repo, capsys: pytest.CaptureFixture[str], *paths: str) -> tuple[int, list[str]]:
    code = main(["--root", str(repo.root), "validate", *paths])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, [line for line in err.splitlines() if not line.endswith("found")]


def one_error(repo: Repo, capsys: pytest.CaptureFixture[str]) -> str:
    code, lines = run(repo, capsys)
    assert code == 1
    assert len(lines) == 1, lines
    return lines[0]


def test_answer_to_an_unknown_statement_is_a_located_warning(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.team("x", "team: x\nname: A\nframeworks:\n  demo:\n    answers:\n      b1: yes\n      b9: yes\n")
    code, lines = run(repo, capsys)
    assert code == 0  # the rest of the team is read and scored
    assert lines == [
        "answers/x.yaml:7:7: warning: `demo` (version 1.0) has no statement `b9`; this answer is left out of every score"
    ]


def test_clean_repository_passes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.team("good", GOOD_TEAM)
    assert main(["--root", str(repo.root), "validate"]) == 0
    assert "ok: 2 frameworks, 1 teams, 2 answers" in capsys.readouterr().out


def test_shipped_frameworks_and_examples_are_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(REPO), "validate"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert out.startswith("ok: 6 frameworks")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("team: x\nname: [unclosed\n", r"answers/x\.yaml:3:1: YAML syntax error"),
        ("team: x\nname: A\nname: B\n", r"answers/x\.yaml:3:1: duplicate key `name` in answer file \(first defined on line 2\)"),
        ("team: x\nname: A\ngruop: B\n", r"answers/x\.yaml:3:1: unknown key `gruop` in answer file \(did you mean `group`\?\)"),
        ("team: x\nname: A\nowners: alice\n", r"answers/x\.yaml:3:9: owners must be a list, got `alice`"),
        ("team: x\nname: A\nowners: [alice]\n", r"answers/x\.yaml:3:10: owner `alice` must be a GitHub @user, @org/team"),
        (
            "team: x\nname: A\nframeworks:\n  demoo: {}\n",
            r"answers/x\.yaml:4:3: unknown framework `demoo` \(did you mean `demo`\?\)",
        ),
        (
            "team: x\nname: A\nframeworks:\n  demo:\n    answers:\n      b1: maybe\n",
            r"answers/x\.yaml:6:11: `maybe` is not on the answer scale of `demo`; use one of: yes, partial, no, n/a",
        ),
        (
            "team: x\nname: A\nframeworks:\n  demo:\n    target: 7\n",
            r"answers/x\.yaml:5:13: `demo` has no level 7; its levels are 0, 1, 2",
        ),
        (
            "team: x\nname: A\nframeworks:\n  rub:\n    answers:\n      strategy: 5\n",
            r"answers/x\.yaml:6:17: `5` is not a level of rubric `strategy`; choose one of 0, 1, 2",
        ),
        (
            "team: x\nname: A\nframeworks:\n  demo:\n    answers:\n      b1: {answer: yes, evidence: ['javascript:alert(1)']}\n",
            r"answers/x\.yaml:6:36: evidence `javascript:alert\(1\)` must be an http\(s\) link",
        ),
        (
            "team: x\nname: A\nframeworks:\n  demo:\n    answers:\n      b1: {answer: yes, assessed: yesterday}\n",
            r"answers/x\.yaml:6:35: assessed must be a date like 2026-03-31, got `yesterday`",
        ),
        (
            "team: x\nname: A\nframeworks:\n  demo:\n    assessed: 2999-01-01\n",
            r"answers/x\.yaml:5:15: assessed date 2999-01-01 is in the future",
        ),
        ("--- \nteam: x\n...\n---\nteam: y\n", r"answers/x\.yaml:4:1: YAML syntax error: but found another document"),
    ],
)
def test_bad_answer_file(repo: Repo, capsys: pytest.CaptureFixture[str], text: str, expected: str) -> None:
    repo.team("x", text)
    assert re.match(expected, one_error(repo, capsys))


@pytest.mark.parametrize(
    ("team_id", "file_name"),
    [("../x", "x"), ("a/b", "b"), ("", "e"), ("Fraud Team", "f"), ("UPPER", "upper"), ("-lead", "lead")],
)
def test_unsafe_team_ids(repo: Repo, capsys: pytest.CaptureFixture[str], team_id: str, file_name: str) -> None:
    repo.team(file_name, f'team: "{team_id}"\nname: A\n')
    line = one_error(repo, capsys)
    assert f"answers/{file_name}.yaml:1:7: team id `{team_id}` is not a safe slug" in line


def test_team_id_must_match_file_name(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.team("alpha", "team: beta\nname: A\n")
    assert "answers/alpha.yaml:1:7: team id `beta` does not match the file name `alpha.yaml`" in one_error(repo, capsys)


def test_duplicate_team_ids(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.team("same", "team: same\nname: One\n")
    (repo.root / "answers" / "sub").mkdir()
    (repo.root / "answers" / "sub" / "same.yaml").write_text("team: same\nname: Two\n")
    assert "answers/sub/same.yaml:1:1: duplicate team id `same` (also in answers/same.yaml)" in one_error(repo, capsys)


def test_not_utf8(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.raw_team("latin", b"team: latin\nname: Caf\xe9\n")
    assert "answers/latin.yaml:2:10: file is not UTF-8 text (byte 0xe9)" in one_error(repo, capsys)


def test_empty_files(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.raw_team("empty", b"")
    assert one_error(repo, capsys) == "answers/empty.yaml:1:1: file is empty"
    repo.raw_team("empty", b"# only a comment\n\n")
    assert one_error(repo, capsys) == "answers/empty.yaml:1:1: file is empty"


def test_oversized_file(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.raw_team("big", b"team: big\nname: B\ndescription: " + b"x" * MAX_FILE_BYTES + b"\n")
    assert "answers/big.yaml:1:1: file is 1,048,608 bytes; the limit is 1,048,576 bytes" in one_error(repo, capsys)


def test_alias_bomb_is_refused_fast_with_bounded_memory(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 30):  # 10**30 items if expanded
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    bomb = "team: bomb\nname: B\ndescription:\n  " + "\n  ".join(lines) + "\n"
    repo.team("bomb", bomb)
    tracemalloc.start()
    start = time.perf_counter()
    code, out = run(repo, capsys)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert code == 1 and len(out) == 1
    assert out[0].startswith("answers/bomb.yaml:4:3: description must be text, got a mapping")
    assert elapsed < 1.0 and peak < 20 * 1024 * 1024


def test_alias_is_refused_where_a_value_is_read(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.team("alias", "team: alias\nname: A\nowners: &o ['@a', '@b']\nframeworks:\n  demo: {answers: *o}\n")
    line = one_error(repo, capsys)
    assert line.startswith("answers/alias.yaml:3:9: this value is reused through a YAML alias")


def test_all_problems_in_one_run(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.team("one", "team: one\nname: A\nframeworks:\n  demo:\n    answers:\n      b1: maybe\n      r1: nope\n")
    repo.team("two", "team: two\nname: A\ncolor: red\n")
    code, lines = run(repo, capsys)
    assert code == 1
    assert [line.split(": ")[0] for line in lines] == ["answers/one.yaml:6:11", "answers/one.yaml:7:11", "answers/two.yaml:3:1"]


FRAMEWORK_HEAD = """\
id: fw
title: F
version: "1"
sources: [{id: d, title: D}]
levels: [{level: 0, name: A}, {level: 1, name: B}]
scoring: [{rule: cumulative-levels}]
sections:
  - id: s
    title: S
    statements:
"""


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (
            "      - {id: a, text: x, level: 1, source: s}\n      - {id: a, text: y, level: 1, source: s}\n",
            r"frameworks/fw\.yaml:12:14: duplicate statement id `a` \(first on line 11\)",
        ),
        (
            "      - {id: a, text: x, level: 1, source: s, guidence: g}\n",
            r"frameworks/fw\.yaml:11:47: unknown key `guidence` in statement \(did you mean `guidance`\?\)",
        ),
        (
            "      - {id: a, text: x, level: one, source: s}\n",
            r"frameworks/fw\.yaml:11:33: level must be a whole number, got `one`",
        ),
        (
            "      - {id: a, text: x, level: 1, source: s, weight: -1}\n",
            r"frameworks/fw\.yaml:11:55: weight must be greater than 0, got -1",
        ),
        (
            "      - {id: a, text: x, source: s}\n",
            r"frameworks/fw\.yaml:11:14: statement `a` needs a `level` \(cumulative-levels scoring\)",
        ),
        (
            "      - {id: a, text: x, level: 3, source: s}\n",
            r"frameworks/fw\.yaml:11:14: statement `a` is at level 3, which `levels` does not declare",
        ),
        ("      - {id: a, text: x, level: 1}\n", r"frameworks/fw\.yaml:11:10: statement a is missing `source`"),
        (
            "      - {id: 'a b', text: x, level: 1, source: s}\n",
            r"frameworks/fw\.yaml:11:14: statement id `a b` must be letters, digits",
        ),
    ],
)
def test_bad_framework(repo: Repo, capsys: pytest.CaptureFixture[str], statements: str, expected: str) -> None:
    repo.framework("fw", FRAMEWORK_HEAD + statements)
    assert re.match(expected, one_error(repo, capsys))


def test_unknown_scoring_rule_suggests(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.framework(
        "fw", FRAMEWORK_HEAD.replace("cumulative-levels", "cumulative-level") + "      - {id: a, text: x, level: 1, source: s}\n"
    )
    assert "frameworks/fw.yaml:6:18: unknown scoring rule `cumulative-level` (did you mean `cumulative-levels`?)" in one_error(
        repo, capsys
    )


def test_validate_named_paths_only(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.team("good", GOOD_TEAM)
    repo.team("broken", "team: broken\n")
    code, _ = run(repo, capsys, str(repo.root / "answers" / "good.yaml"))
    assert code == 0
    code, lines = run(repo, capsys, str(repo.root / "answers" / "broken.yaml"))
    assert code == 1 and lines == ["answers/broken.yaml:1:1: answer file is missing the required key `name`"]


def test_cli_subprocess_exit_codes_and_help(repo: Repo) -> None:
    repo.team("x", "team: x\nname: [\n")
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(repo.root), "validate"], capture_output=True, text=True, cwd=REPO
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("answers/x.yaml:3:1: YAML syntax error") and "Traceback" not in proc.stderr
    start = time.perf_counter()
    helped = subprocess.run([sys.executable, "-m", "generator", "--help"], capture_output=True, text=True, cwd=REPO)
    assert helped.returncode == 0 and "validate" in helped.stdout
    assert time.perf_counter() - start < 2.0  # the 0.3 s figure is measured by the benchmark, not here


def test_help_imports_no_heavy_modules() -> None:
    heavy = "('yaml', 'mkdocs', 'openpyxl', 'jinja2', 'ruamel')"
    code = (
        "import sys; from generator.cli import build_parser; build_parser(); "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert out.strip() == "[]"


def test_missing_path(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(repo, capsys, str(Path(repo.root / "nope.yaml")))
    assert code == 1 and lines[0].endswith("nope.yaml: no such file or directory")


def test_validate_reports_stale_codeowners(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.team("good", GOOD_TEAM)
    assert main(["--root", str(repo.root), "codeowners", "--admins", "@org/platform"]) == 0
    assert main(["--root", str(repo.root), "validate"]) == 0
    repo.team("good", GOOD_TEAM.replace("@org/good", "@org/new-owners"))
    assert main(["--root", str(repo.root), "validate"]) == 0  # a warning: the admins own the file meanwhile
    assert capsys.readouterr().err.splitlines() == [
        ".github/CODEOWNERS:1:1: warning: out of date with maturity.yml and the owners in answers/; run `maturity codeowners`"
    ]


def test_outside_an_assessment_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(tmp_path), "validate"]) == 1
    assert "no `frameworks/` folder here or above" in capsys.readouterr().err
