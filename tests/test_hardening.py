"""Hostile repositories and files: nothing outside the repository is read or shown, nothing from a file
reaches a terminal or a CI log as a control sequence or a workflow command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import Repo
from test_review_support import base_repo, team_yaml

from generator.cli import main
from generator.problems import SafeStream, printable

SECRET = "SECRET-KEY-CONTENT: -----BEGIN OPENSSH PRIVATE KEY----- abc"


def run_cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    """The real command in a child process: the exact bytes a terminal or a CI log would get."""
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, timeout=120, check=False)


# -- files outside the repository ----------------------------------------------------------


@pytest.mark.parametrize("where", ["answers/evil.yaml", "frameworks/evil.yaml", "answers/sub/deep.yaml", "maturity.yml"])
def test_a_link_out_of_the_repository_is_refused_and_never_echoed(
    repo: Repo, tmp_path_factory: pytest.TempPathFactory, where: str
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "id_rsa"
    outside.write_text(f"{SECRET}\n: [unbalanced\n", encoding="utf-8")  # invalid YAML: a parser error would quote it
    link = repo.root / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)
    proc = run_cli("--root", str(repo.root), "validate")
    out = (proc.stdout + proc.stderr).decode()
    assert proc.returncode == 1
    assert f"{where}: links to a file outside the repository; not read" in out
    assert "SECRET" not in out and "BEGIN" not in out and str(outside) not in out and "unbalanced" not in out


def test_a_linked_folder_out_of_the_repository_is_not_read(repo: Repo, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside-dir")
    (outside / "team.yaml").write_text(f"team: x\nname: {SECRET}\nbogus: [\n", encoding="utf-8")
    (repo.root / "answers" / "linked").symlink_to(outside, target_is_directory=True)
    proc = run_cli("--root", str(repo.root), "validate")
    out = (proc.stdout + proc.stderr).decode()
    assert proc.returncode == 0 and "0 teams" in out  # linked folders are not walked
    assert "SECRET" not in out


def test_a_link_inside_the_repository_is_read(repo: Repo) -> None:
    repo.team("alpha-real", "team: alpha\nname: Alpha\nframeworks: {}\n").rename(repo.root / "shared-alpha.yaml")
    (repo.root / "answers" / "alpha.yaml").symlink_to(repo.root / "shared-alpha.yaml")
    proc = run_cli("--root", str(repo.root), "validate")
    assert proc.returncode == 0, proc.stderr.decode()


def test_diff_of_the_working_tree_never_reads_a_link_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = base_repo(tmp_path / "repo")
    outside = tmp_path / "secret.yaml"
    outside.write_text(team_yaml("spy", SECRET.replace(":", ""), {"b1": "yes"}), encoding="utf-8")
    (r.root / "answers" / "spy.yaml").symlink_to(outside)
    main(["--root", str(r.root), "diff", "HEAD"])
    out = capsys.readouterr()
    assert "SECRET" not in out.out + out.err and "spy" not in out.out


# -- terminal and CI log injection ----------------------------------------------------------

ATTACK = "maybe\\n::error file=x::pwned\\n::add-mask::ghp_token\\e[2K\\rok: 0 errors\\u202e ##[warning]w"


def test_problems_quote_file_content_escaped(repo: Repo) -> None:
    repo.team("alpha", f'team: alpha\nname: Alpha\nframeworks:\n  demo:\n    answers:\n      b1: "{ATTACK}"\n')
    proc = run_cli("--root", str(repo.root), "validate")
    err = proc.stderr
    assert proc.returncode == 1
    assert b"\x1b" not in err and b"\r" not in err and "\u202e".encode() not in err
    lines = err.decode().splitlines()
    assert not [line for line in lines if line.lstrip().startswith("::") or "##[" in line]
    assert any(
        "answers/alpha.yaml:6:11" in line and "maybe\\n::error file=x::pwned" in line and "\\e[2K\\rok" in line for line in lines
    )


def test_diff_output_carries_no_workflow_command(tmp_path: Path) -> None:
    r = base_repo(tmp_path / "repo")
    note = "fine\n::add-mask::ghp_secret\n  ::error::fake failure\n##[set-output name=x]y\x1b[31mred"
    r.write(
        "answers/alpha.yaml",
        team_yaml("alpha", "Alpha", {"b1": "yes", "r1": "yes", "b2": "yes|NOTE"}).replace("'NOTE'", repr_yaml(note)),
    )
    r.commit("note with commands")
    for fmt in ("markdown", "json"):
        proc = run_cli("--root", str(r.root), "diff", "HEAD~1", "HEAD", "--format", fmt)
        out = proc.stdout.decode()
        assert proc.returncode == 0, proc.stderr.decode()
        assert "ghp" in out  # the note is there ...
        assert not [line for line in out.splitlines() if line.lstrip().startswith("::") or "##[" in line]  # ... inert
        assert "\x1b" not in out


def repr_yaml(text: str) -> str:
    """A YAML double-quoted scalar."""
    import json

    return json.dumps(text)


def test_printable_and_safe_stream() -> None:
    assert printable("a\x1b[2Kb\rc\x07d\u202ee\nf") == "a\\e[2Kb\\rc\\x07d\\u202ee\\nf"
    assert printable("::error::x") == "\\::error::x"
    assert printable("x ::error::y") == "x ::error::y"  # not at the start of a line: not a command
    import io

    buf = io.StringIO()
    stream = SafeStream(buf)
    stream.write("ok\n::warning::a\n")
    stream.write("  ")
    stream.write("::notice::b\nmid ")
    stream.write("::c\n")
    stream.write(":")
    stream.write(":d\n")
    assert buf.getvalue() == "ok\n\\::warning::a\n  \\::notice::b\nmid ::c\n\\::d\n"


# -- names: team ids, owners, file paths --------------------------------------------------------


@pytest.mark.parametrize(
    ("team_id", "reason"),
    [("blank-demo", "name the blank workbooks"), ("blank-future", "name the blank workbooks"), ("index", "index page")],
)
def test_team_ids_that_collide_with_generated_files_are_refused(
    repo: Repo, capsys: pytest.CaptureFixture[str], team_id: str, reason: str
) -> None:
    repo.team(team_id, f"team: {team_id}\nname: Squatter\nframeworks:\n  demo:\n    answers: {{b1: 'yes'}}\n")
    assert main(["--root", str(repo.root), "validate"]) == 1
    err = capsys.readouterr().err
    assert f"answers/{team_id}.yaml:1:7: team id `{team_id}` is reserved" in err and reason in err


@pytest.mark.parametrize("owner", ["#nobody@example.com", "@alice#x", "a@b", "@org/", "mail@exa mple.com", "@al\nice"])
def test_owners_github_would_not_read_are_refused(repo: Repo, capsys: pytest.CaptureFixture[str], owner: str) -> None:
    repo.team("alpha", f"team: alpha\nname: Alpha\nowners: [{json.dumps(owner)}]\nframeworks: {{}}\n")
    assert main(["--root", str(repo.root), "validate"]) == 1
    assert "answers/alpha.yaml:3:" in capsys.readouterr().err


def test_a_path_with_a_line_break_never_becomes_a_codeowners_line(repo: Repo) -> None:
    folder = repo.root / "answers" / "x\n/frameworks/evil.yaml @attacker\n"
    folder.mkdir(parents=True)
    (folder / "alpha.yaml").write_text("team: alpha\nname: Alpha\nowners: ['@alice']\nframeworks: {}\n", encoding="utf-8")
    proc = run_cli("--root", str(repo.root), "codeowners", "--admins", "@org/admins")
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert "answers/x\\n/frameworks/evil.yaml @attacker\\n/alpha.yaml: file name not accepted" in err
    assert not (repo.root / ".github" / "CODEOWNERS").exists()
    proc = run_cli("--root", str(repo.root), "validate")
    assert proc.returncode == 1 and "@attacker\n" not in proc.stderr.decode()


# -- the pull-request comment always fits ---------------------------------------------------


def _comment_checks(out: str, full: str) -> None:
    from generator.review.render import MARKER, MAX_COMMENT

    assert len(out) <= MAX_COMMENT
    assert out.startswith(MARKER) and "**Truncated**" in out and "job summary and artifact" in out
    assert out.count("<details") == out.count("</details>")
    assert len(full) > MAX_COMMENT and "**Truncated**" not in full


def test_comment_fits_when_a_framework_that_400_teams_answer_is_deleted(tmp_path: Path) -> None:
    r = base_repo(tmp_path / "repo")
    for i in range(400):
        name = f"Bulk team number {i:03d} " + "x" * 60
        r.write(f"answers/bulk/team-{i:03d}.yaml", team_yaml(f"team-{i:03d}", name, {"b1": "yes"}))
    r.commit("400 teams")
    r.remove("frameworks/demo.yaml")
    r.commit("retire the demo framework")
    full_file = tmp_path / "full.md"
    proc = run_cli("--root", str(r.root), "diff", "HEAD~1", "HEAD", "--full-output", str(full_file))
    assert proc.returncode == 0, proc.stderr.decode()
    full = full_file.read_text(encoding="utf-8")
    _comment_checks(proc.stdout.decode(), full)
    assert all(f"team\\-{i:03d}" in full or f"team-{i:03d}" in full for i in range(400))  # nothing left out


def test_comment_fits_with_four_huge_invalid_answers(tmp_path: Path) -> None:
    r = base_repo(tmp_path / "repo")
    for i in range(4):
        r.write(f"answers/huge-{i}.yaml", team_yaml(f"huge-{i}", "Huge", {"b1": "y" * 19_000}))
    r.commit("four answers nobody can read")
    full_file = tmp_path / "full.md"
    proc = run_cli("--root", str(r.root), "diff", "HEAD~1", "HEAD", "--full-output", str(full_file))
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    from generator.review.render import MAX_COMMENT

    assert len(out) <= MAX_COMMENT and out.count("<details") == out.count("</details>")
    assert all(f"answers/huge-{i}.yaml" in out for i in range(4))  # every problem is listed, its quote shortened
    assert full_file.read_text(encoding="utf-8").count("y" * 19_000) == 4


def test_fit_keeps_whole_lines_and_closes_details() -> None:
    from generator.review.render import TRUNCATED, fit

    lines = ["<!-- maturity-diff -->", "<details>", "<summary>s</summary>", "", "| a | b |", "|---|---|"]
    lines += [f"| {i} | {'z' * 50} |" for i in range(100)]
    lines += ["</details>"]
    out = fit(lines, 1000)
    assert len(out) <= 1000 and out.endswith(TRUNCATED + "\n")
    body = out.split("\n")
    assert "</details>" in body and all(line in lines or line in ("", TRUNCATED) for line in body)
    assert fit(lines[:3], 1000) == "\n".join(lines[:3]) + "\n"


# -- the site folder, temporary folders, the preview ----------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_build_refuses_a_folder_it_did_not_write_even_with_an_index_html(repo: Repo, tmp_path: Path) -> None:
    target = tmp_path / "public"
    target.mkdir()
    (target / "index.html").write_text("<h1>my own site</h1>", encoding="utf-8")
    (target / "notes.txt").write_text("precious", encoding="utf-8")
    proc = run_cli("--root", str(repo.root), "build", "--site-dir", str(target))
    assert proc.returncode == 1
    assert "it is not empty and was not written by `maturity build`" in proc.stderr.decode()
    assert sorted(p.name for p in target.iterdir()) == ["index.html", "notes.txt"]
    assert (target / "notes.txt").read_text(encoding="utf-8") == "precious"


def test_build_removes_what_a_killed_build_left_and_keeps_a_running_ones(repo: Repo, tmp_path: Path) -> None:
    from generator.site.build import build_site

    out = tmp_path / "out"
    out.mkdir()
    dead, alive = _dead_pid(), os.getppid()
    stale = [out / f".site.building-{dead}-x1", out / f".site.downloads-{dead}-x2", out / f".site.old-{dead}-x3"]
    for folder in stale:
        folder.mkdir()
        (folder / "index.html").write_text("half a site", encoding="utf-8")
    running = out / f".site.building-{alive}-x4"
    running.mkdir()
    build_site(repo.root, out / "site", workbooks=False, history=False)
    assert not any(folder.exists() for folder in stale)
    assert running.is_dir()
    assert sorted(p.name for p in out.iterdir()) == sorted([running.name, "site"])


def _leftovers(folder: Path, pid: int) -> list[str]:
    """Temporary folders process ``pid`` made next to the site and in the system's temporary folder."""
    mine = [p.name for p in folder.iterdir() if f"-{pid}-" in p.name and p.name.startswith(".site.")]
    prefixes = (f"maturity-docs-{pid}-", f"maturity-serve-{pid}-")
    return mine + [p.name for p in Path(tempfile.gettempdir()).iterdir() if p.name.startswith(prefixes)]


def test_sigterm_during_a_build_leaves_no_temporary_folder(repo: Repo, tmp_path: Path) -> None:
    import signal
    import time

    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(repo.root), "build", "--site-dir", str(out / "site")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".site.building-") for p in out.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, "the build never started staging"
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert "interrupted" in err.decode()
    assert _leftovers(out, proc.pid) == []
    assert not (out / "site").exists()


def test_serve_answers_only_local_host_names_and_cleans_up_on_sigterm(repo: Repo) -> None:
    import signal
    import socket
    import time
    import urllib.error
    import urllib.request

    repo.team("alpha", "team: alpha\nname: Alpha\nframeworks:\n  demo:\n    answers: {b1: \"yes\"}\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(repo.root), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def get(host: str) -> int:
        req = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": host})
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:  # noqa: S310 - localhost only
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert get(f"127.0.0.1:{port}") == 200
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the preview did not start"
                time.sleep(0.3)
        assert get(f"localhost:{port}") == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/search/search_index.json", timeout=5) as resp:  # noqa: S310
            docs = json.loads(resp.read())["docs"]
        assert [d["location"] for d in docs if d["location"].startswith("team/")] == ["team/alpha/"]  # the team's page, as built
        assert get("[::1]") == 200
        assert get(f"evil.example:{port}") == 403  # a rebinding attacker's own domain name
        assert get("127.0.0.1.evil.example") == 403
        assert get("") == 403
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert _leftovers(repo.root, proc.pid) == []


# -- lesser items: array formulas, evidence longer than a cell, history CSV ---------------------


def test_an_array_formula_in_a_note_is_imported_as_its_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula
    from test_workbook_support import FIXTURES, TEAM, answers_of, cli, copy_project

    wb = openpyxl.load_workbook(FIXTURES / "exported.xlsx")
    wb["levels-demo"]["F4"] = "Yes"
    wb["levels-demo"]["G4"] = ArrayFormula("G4", "=SUM(A1:A2*B1:B2)")
    book = tmp_path / "array.xlsx"
    wb.save(book)
    root = copy_project(tmp_path / "repo")
    rc, _, err = cli(capsys, root, "import", str(book))
    assert rc == 0, err
    value, note, _ = answers_of(root, TEAM)["levels-demo"]["d3"]
    assert (value, note) == ("yes", "=SUM(A1:A2*B1:B2)")


def test_evidence_longer_than_a_cell_holds_is_refused(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    links = [f"https://example.com/{i:02d}/" + "x" * 1900 for i in range(18)]  # 34,700 characters in all
    repo.team(
        "alpha",
        "team: alpha\nname: Alpha\nframeworks:\n  demo:\n    answers:\n      b1:\n        answer: 'yes'\n"
        f"        evidence: {json.dumps(links)}\n",
    )
    assert main(["--root", str(repo.root), "validate"]) == 1
    err = capsys.readouterr().err
    assert "answers/alpha.yaml:8:19: the evidence links are 34," in err and "a spreadsheet cell holds 32,767" in err


def test_history_csv_cells_never_start_a_formula() -> None:
    from generator.site.build import csv_cell

    assert [csv_cell(v) for v in ('=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", " =x", "\tx", "Level 2", 42.0, None)] == [
        '\'=HYPERLINK("x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "' =x",
        "'\tx",
        "Level 2",
        42.0,
        None,
    ]


# -- the safety net: a built page with a handler or a script URL fails the build -------------------


@pytest.mark.parametrize(
    ("page", "found"),
    [
        ("<img src=x onerror=alert(1)>", ["onerror="]),
        ('<a title="t" href="JavaScript:x">', ["href=javascript:"]),
        ('<a href="java&#115;cript:y">', ["href=javascript:"]),
        ("<a href=&#x6A;avascript:z>", ["href=javascript:"]),
        ("<svg><a xlink:href='data:text/html,x'>", ["xlink:href=data:"]),
        ('<p title="x onclick=1 javascript:">text onerror=x &lt;img onerror=1&gt; online=1 Metadata: x</p>', []),
        ('<a href="https://example.com/javascript:">ok</a>', []),
    ],
)
def test_script_attributes_reads_tags_as_a_browser_does(page: str, found: list[str]) -> None:
    from generator.site.escape import script_attributes

    assert script_attributes(page) == found


def test_a_template_that_prints_framework_text_raw_fails_the_build(repo: Repo, tmp_path: Path) -> None:
    from generator.problems import MaturityError
    from generator.site.build import build_site

    site = tmp_path / "site"
    build_site(repo.root, site, workbooks=False, history=False)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    fw = repo.root / "frameworks" / "demo.yaml"
    fw.write_text(fw.read_text(encoding="utf-8").replace("title: Demo levels", 'title: "Demo <img src=x onerror=alert(1)>"'))
    (repo.root / "site_templates").mkdir()
    (repo.root / "site_templates" / "frameworks.md.j2").write_text(
        "# Frameworks\n\n{% for item in frameworks %}\n<p>{{ item.framework.title | safe }}</p>\n{% endfor %}\n", encoding="utf-8"
    )
    with pytest.raises(MaturityError, match=r"frameworks/index.html would hold onerror= \(script in a page\)"):
        build_site(repo.root, site, workbooks=False, history=False)
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
