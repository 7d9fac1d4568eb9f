"""Round trips, for any answers: export -> import writes exactly those answers, and a second
export -> import changes no byte. The starting answer file is written in many YAML shapes."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from types import MappingProxyType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_workbook_support import PROJECT, TEAM, TODAY, load

from generator.cli import main
from generator.model import Answer, Framework, FrameworkAnswers, Team
from generator.workbook.export import workbook_bytes
from generator.workbook.yamledit import dq

PROJ = load(PROJECT)
FRAMEWORKS = list(PROJ.frameworks.values())
LINKS = st.sampled_from(
    ["https://git.example.com/a", "docs/runbook.md", "https://x.example/p?q=1&r=2#f", "mailto:ml@example.com"]
)
NOTE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff") | st.sampled_from("\n\t"),
    max_size=30,
).map(lambda s: s.strip())


def _value(fw: Framework, sid: str) -> st.SearchStrategy[str]:
    s = fw.by_id[sid]
    if s.is_rubric:
        return st.sampled_from([str(c.level) for c in s.choices])
    return st.sampled_from(list(fw.scale.values))


def _answer(fw: Framework, sid: str) -> st.SearchStrategy[tuple[str, str, tuple[str, ...]]]:
    return st.tuples(_value(fw, sid), NOTE, st.lists(LINKS, max_size=2).map(tuple))


def _framework_answers(fw: Framework) -> st.SearchStrategy[dict[str, tuple[str, str, tuple[str, ...]]]]:
    def answers_for(ids: list[str]) -> st.SearchStrategy[dict[str, tuple[str, str, tuple[str, ...]]]]:
        return st.tuples(*[_answer(fw, i) for i in ids]).map(lambda vals: dict(zip(ids, vals, strict=True)))

    return st.lists(st.sampled_from([s.id for s in fw.statements]), unique=True).flatmap(answers_for)


def _answer_sets() -> st.SearchStrategy[dict[str, dict[str, tuple[str, str, tuple[str, ...]]]]]:
    return st.fixed_dictionaries({fw.id: _framework_answers(fw) for fw in FRAMEWORKS})


def _team(answers: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]]) -> Team:
    fws = {
        fid: FrameworkAnswers(fid, MappingProxyType({sid: Answer(sid, v, n, e) for sid, (v, n, e) in items.items()}))
        for fid, items in answers.items()
    }
    return Team(TEAM, "Fraud Detection", "", (), "", MappingProxyType(fws))


def _flow(value: str, note: str, evidence: tuple[str, ...]) -> str:
    if not note and not evidence:
        return dq(value)
    parts = [f"answer: {dq(value)}"] + ([f"note: {dq(note)}"] if note else [])
    parts += ["evidence: [" + ", ".join(dq(e) for e in evidence) + "]"] if evidence else []
    return "{" + ", ".join(parts) + "}"


def _render(answers: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]], styles: list[int]) -> str:
    """An answer file in assorted hand-written shapes (short, quoted, long, flow, literal notes)."""
    lines = ["# a comment that must survive", "team: fraud-detection", "name: Fraud Detection  # and this one", "frameworks:"]
    i = 0
    for fid, items in answers.items():
        style = styles[i % len(styles)]
        i += 1
        lines.append(f"  {fid}:")
        if not items:
            lines.append("    answers: {}" if style % 2 else "    answers:")
            continue
        if style == 3:
            body = ", ".join(f"{dq(sid)}: {_flow(v, n, e)}" for sid, (v, n, e) in items.items())
            lines.append("    answers: {" + body + "}")
            continue
        lines.append("    answers:")
        for sid, (value, note, evidence) in items.items():
            key = sid if style == 0 and "." not in sid else dq(sid)
            if not note and not evidence and style != 2:
                lines.append(f"      {key}: {value if style == 0 and value.isalpha() else dq(value)}  # short")
                continue
            lines.append(f"      {key}:")
            lines.append(f"        answer: {dq(value)}")
            if note:
                lines.append(f"        note: {dq(note)}")
            if evidence:
                lines.append("        evidence:")
                lines.extend(f"          - {dq(link)}" for link in evidence)
            lines.append("      # between answers")
    return "\n".join(lines) + "\n"


def _import(root: Path, book: Path) -> None:
    assert main(["--root", str(root), "import", str(book)], today=TODAY) == 0


def _state(root: Path) -> dict[str, dict[str, tuple[str, str, tuple[str, ...]]]]:
    team = load(root).team(TEAM)
    assert team is not None
    return {fid: {sid: (a.value, a.note, a.evidence) for sid, a in fa.answers.items()} for fid, fa in team.frameworks.items()}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(wanted=_answer_sets(), start=_answer_sets(), styles=st.lists(st.integers(0, 3), min_size=1, max_size=3))
def test_any_answers_survive_export_and_import(wanted: dict, start: dict, styles: list[int]) -> None:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        shutil.copytree(PROJECT / "frameworks", root / "frameworks")
        (root / "answers").mkdir()
        answer_file = root / "answers" / f"{TEAM}.yaml"
        answer_file.write_text(_render(start, styles), encoding="utf-8")
        assert _state(root) == {fid: items for fid, items in start.items()}
        book = Path(tmp) / "book.xlsx"
        book.write_bytes(workbook_bytes(FRAMEWORKS, _team(wanted)))
        _import(root, book)
        expected = {fid: dict(items) for fid, items in start.items()}
        for fid, items in wanted.items():
            expected.setdefault(fid, {}).update(items)
        got = _state(root)
        assert {f: a for f, a in got.items() if a} == {f: a for f, a in expected.items() if a}
        text = answer_file.read_text(encoding="utf-8")
        assert text.startswith("# a comment that must survive\n") and "name: Fraud Detection  # and this one\n" in text
        # the file now written, exported and imported again: not one byte changes
        before = answer_file.read_bytes()
        team = load(root).team(TEAM)
        book.write_bytes(workbook_bytes(FRAMEWORKS, team))
        _import(root, book)
        assert answer_file.read_bytes() == before
