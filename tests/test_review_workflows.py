"""The GitHub Actions workflows (checked with actionlint) and the pre-commit hook definition."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from generator.cli import build_parser
from generator.review.render import MARKER

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"


def actionlint() -> str:
    """The actionlint binary installed with the test extra (next to this Python, else on PATH)."""
    local = Path(sys.executable).parent / "actionlint"
    found = str(local) if local.exists() else shutil.which("actionlint")
    assert found, "actionlint is not installed: pip install -e '.[test]'"
    return found


def test_workflows_pass_actionlint() -> None:
    """Both workflows; pr.yml runs the local action (``uses: ./``), so actionlint checks action.yml's metadata too."""
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["pages.yml", "pr.yml"]
    proc = subprocess.run([actionlint(), "-no-color", *map(str, files)], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_reads_the_action_metadata(tmp_path: Path) -> None:
    """A broken action.yml fails the lint of the workflow that uses it."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # actionlint finds `./` from the repository root
    shutil.copytree(WORKFLOWS.parent, tmp_path / ".github")
    text = (REPO / "action.yml").read_text().replace("  using: composite", "  using: compsite")
    (tmp_path / "action.yml").write_text(text)
    proc = subprocess.run([actionlint(), "-no-color", ".github/workflows/pr.yml"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1 and "compsite" in proc.stdout


def _steps(path: Path) -> list[dict[str, object]]:
    data = yaml.safe_load(path.read_text())
    if "runs" in data:
        return list(data["runs"]["steps"])
    return [step for job in data["jobs"].values() for step in job["steps"]]


def test_workflows_are_least_privilege_and_pinned() -> None:
    """No token rights at workflow level, each job names its own; third-party steps pinned to a full commit."""
    for path in [*WORKFLOWS.glob("*.yml"), REPO / "action.yml"]:
        data = yaml.safe_load(path.read_text())
        if "jobs" in data:
            assert data["permissions"] == {}, path.name
            for name, job in data["jobs"].items():
                assert "permissions" in job and "write-all" not in str(job["permissions"]), (path.name, name)
        for step in _steps(path):
            uses = str(step.get("uses", ""))
            if not uses or uses == "./":
                continue
            assert re.fullmatch(r"actions/[a-z-]+@[0-9a-f]{40}", uses), (path.name, uses)
            if uses.startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, path.name  # type: ignore[index]
        text = path.read_text()
        for sha in re.findall(r"@([0-9a-f]{40})", text):
            assert re.search(sha + r" # v\d+\.\d+\.\d+\n", text), (path.name, sha)  # the version it stands for
    pr = yaml.safe_load((WORKFLOWS / "pr.yml").read_text())
    assert pr["jobs"]["review"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    pages = yaml.safe_load((WORKFLOWS / "pages.yml").read_text())
    assert pages["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert pages["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}


#: The release each action is pinned to: the newest of each, with its commit, read from the actions' release notes
#: (checkout v7.0.1, setup-python v7.0.0, configure-pages v6.0.0, upload-pages-artifact v5.0.0, deploy-pages v5.0.1,
#: upload-artifact v7.0.1, github-script v9.0.0; none of their breaking changes touches these workflows).
PINNED = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/configure-pages": ("45bfe0192ca1faeb007ade9deae92b16b8254a0d", "v6.0.0"),
    "actions/upload-pages-artifact": ("fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    "actions/deploy-pages": ("368f82528645a54fb793d4d04e342629a3f51346", "v5.0.1"),
    "actions/upload-artifact": ("043fb46d1a93c77aae656e7c1c64a875d1fc6a0a", "v7.0.1"),
    "actions/github-script": ("3a2844b7e9c422d3c10d287c895573f7108da1b3", "v9.0.0"),
}


def test_every_workflow_pins_the_same_reviewed_release() -> None:
    """This repository's workflows, its action and the workflows `maturity init` writes: one reviewed commit per action."""
    paths = [*WORKFLOWS.glob("*.yml"), REPO / "action.yml", *(REPO / "generator/assets/scaffold/workflows").glob("*.yml")]
    seen: set[str] = set()
    for path in paths:
        text = path.read_text()
        uses = re.findall(r"uses: (actions/[a-z-]+)@(\S+)(?: # (\S+))?", text)
        assert uses, path.name
        for name, ref, version in uses:
            assert (ref, version) == PINNED[name], (path.name, name, ref, version)
            seen.add(name)
    assert seen == set(PINNED)


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n")
    proc = subprocess.run([actionlint(), "-no-color", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 1 and "nope" in proc.stdout


def _runs(path: Path) -> list[str]:
    return [str(step["run"]) for step in _steps(path) if "run" in step]


def test_workflow_steps_are_maturity_commands_that_exist() -> None:
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    used = []
    for path in [*WORKFLOWS.glob("*.yml"), REPO / "action.yml"]:
        for script in _runs(path):
            used += re.findall(r"\bmaturity (\w+)", script)
    assert set(used) == {"validate", "diff", "build"} and set(used) <= commands
    action = (REPO / "action.yml").read_text()
    assert f"const marker = '{MARKER}'" in action and "updateComment" in action and "createComment" in action
    assert "maturity validate --format github" in action
    assert [s.get("uses") for s in _steps(WORKFLOWS / "pr.yml")][-1] == "./"
    pages = (WORKFLOWS / "pages.yml").read_text()
    assert "actions/upload-pages-artifact@" in pages and "actions/deploy-pages@" in pages


def test_workflow_diff_step_runs_locally(tmp_path: Path) -> None:
    """The PR workflow's diff command line, run against a real repository."""
    from test_review_support import base_repo, feature_branch

    r = base_repo(tmp_path / "repo")
    base = r.sha()
    feature_branch(r)
    exe = Path(sys.executable).parent / "maturity"
    out = subprocess.run([str(exe), "diff", base, "HEAD", "--format", "markdown"], cwd=r.root, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith(MARKER)
    val = subprocess.run([str(exe), "validate"], cwd=r.root, capture_output=True, text=True)
    assert val.returncode == 0, val.stderr


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert len(hooks) == 1
    hook = hooks[0]
    assert hook["id"] == "maturity-validate" and hook["entry"].startswith("maturity validate")
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for path in ("frameworks/google-mlops.yaml", "answers/fraud.yml", "answers/payments/fraud.yaml"):
        assert files.search(path), path
    for path in ("README.md", "generator/frameworks.py", "docs/answers/x.yaml", "answers/x.json"):
        assert not files.search(path), path


def test_action_reports_when_validation_fails(tmp_path: Path) -> None:
    """The action's own validate and diff steps, run by bash as the runner would, on a pull request with an error:
    annotations, a comment body that lists the problem, a job summary, and the final step fails."""
    from test_review_support import base_repo, team_yaml

    r = base_repo(tmp_path / "repo")
    base = r.sha()
    r.git("checkout", "-q", "-b", "feature")
    r.write("answers/alpha.yaml", team_yaml("alpha", "Alpha", {"b1": "yes", "r1": "sometimes"}, ("@org/alpha",)))
    r.commit("an answer off the scale")
    steps = {s.get("name"): s for s in _steps(REPO / "action.yml")}
    temp, summary, output = tmp_path / "runner", tmp_path / "summary.md", tmp_path / "output"
    temp.mkdir()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(temp),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "BASE": base,
        "FAIL_ON_REGRESSION": "false",
    }

    def step(name: str, **extra: str) -> subprocess.CompletedProcess[str]:
        script = str(steps[name]["run"])
        return subprocess.run(["bash", "-e", "-c", script], cwd=r.root, env={**env, **extra}, capture_output=True, text=True)

    validate = step("Validate (problems become annotations)")
    assert validate.returncode == 0  # the step records the result; the job goes on to comment
    assert "::error file=answers/alpha.yaml,line=" in validate.stdout and "valid=false" in output.read_text()
    diff = step("Maturity diff against the base")
    assert diff.returncode == 0, diff.stderr
    comment = (temp / "maturity-diff.md").read_text()
    assert comment.startswith(MARKER) and "answers/alpha.yaml:" in comment and "sometimes" in comment
    assert f"report={temp / 'maturity-diff.md'}" in output.read_text()
    assert (temp / "maturity-diff.json").is_file() and summary.read_text() == (temp / "maturity-diff-full.md").read_text()
    final = step("Fail on invalid files or a regression", VALID="false")
    assert final.returncode == 1 and "maturity validate found errors" in final.stderr
    assert step("Fail on invalid files or a regression", VALID="true").returncode == 0
