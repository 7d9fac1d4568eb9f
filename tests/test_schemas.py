"""The published JSON Schemas accept every shipped file and reject what validate rejects."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import REPO

from generator.project import yaml_files

SCHEMAS = REPO / "generator" / "schemas"
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")


class _Core12Loader(yaml.SafeLoader):
    """YAML 1.2 core schema, as editors' language servers read files: yes/no stay text, dates stay text."""


_Core12Loader.yaml_implicit_resolvers = {}
_Core12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Core12Loader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_Core12Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))
_Core12Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


def load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Core12Loader)  # noqa: S506 - safe subclass


def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(data)
    return data


@pytest.mark.parametrize("path", yaml_files(REPO / "frameworks"), ids=lambda p: p.name)
def test_frameworks_match_schema(path: Path) -> None:
    jsonschema.validate(load(path), schema("framework"))
    assert path.read_text().startswith("# yaml-language-server: $schema=../generator/schemas/framework.schema.json")


def repository_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REPO / "schemas/answers.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(data)
    return data


@pytest.mark.parametrize("path", yaml_files(REPO / "answers"), ids=lambda p: p.name)
def test_answers_match_schema(path: Path) -> None:
    """Every team's file passes both the published schema and the one generated for this repository's ids."""
    jsonschema.validate(load(path), schema("answers"))
    jsonschema.validate(load(path), repository_schema())
    assert path.read_text().startswith("# yaml-language-server: $schema=../schemas/answers.schema.json\n")


def test_repository_schema_knows_the_ids_and_rejects_unknown_ones() -> None:
    """What an editor completes: framework ids, each framework's statement ids in order with their text."""
    data = repository_schema()
    frameworks = data["properties"]["frameworks"]["properties"]
    assert list(frameworks) == [
        "azure-mlops", "five-levels", "gigaom-mlops", "google-mlops", "mature-mlops-areas", "mlops-community",
    ]  # fmt: skip
    google = data["$defs"]["framework:google-mlops"]["properties"]["answers"]["properties"]
    assert len(google) == 20 and list(google)[:2] == ["exp.orchestrated", "exp.modular"]
    first = google["exp.orchestrated"]
    assert first["examples"] == ["yes", "partial", "no", "n/a"] and first["description"].endswith(
        "(answered on: yes, partial, no, n/a)"
    )
    gigaom = data["$defs"]["framework:gigaom-mlops"]["properties"]["answers"]["properties"]
    assert gigaom["strategy"]["examples"] == [0, 1, 2, 3, 4]
    community = data["$defs"]["framework:mlops-community"]["properties"]["answers"]["properties"]
    assert len(community) == 56 and list(community)[0] == "1.1.1"
    practices = data["$defs"]["catalogue"]["properties"]["answers"]["properties"]
    assert list(practices)[:2] == ["business-goals", "ml-value-measured"]

    ok = {"team": "x", "name": "X", "frameworks": {"google-mlops": {"answers": {"exp.modular": "Yes"}}}}
    jsonschema.validate(ok, data)  # answer values in any case, as the tool reads them
    rubric = {"team": "x", "name": "X", "frameworks": {"gigaom-mlops": {"answers": {"strategy": {"answer": 2}}}}}
    jsonschema.validate(rubric, data)
    unknown_statement = {"team": "x", "name": "X", "frameworks": {"google-mlops": {"answers": {"exp.modulr": "yes"}}}}
    with pytest.raises(jsonschema.ValidationError, match="'exp.modulr' was unexpected"):
        jsonschema.validate(unknown_statement, data)
    with pytest.raises(jsonschema.ValidationError, match="'google' was unexpected"):
        jsonschema.validate({"team": "x", "name": "X", "frameworks": {"google": {}}}, data)
    with pytest.raises(jsonschema.ValidationError, match="is not one of"):
        jsonschema.validate({"team": "x", "name": "X", "use-inferred": ["gogle-mlops"]}, data)
    with pytest.raises(jsonschema.ValidationError, match="'no-such-practice' was unexpected"):
        jsonschema.validate({"team": "x", "name": "X", "practices": {"answers": {"no-such-practice": "yes"}}}, data)


def test_schema_rejects_typos_and_unsafe_team_ids() -> None:
    answers = schema("answers")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"team": "../x", "name": "X"}, answers)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"team": "x", "name": "X", "gruop": "G"}, answers)
    jsonschema.validate({"team": "x", "name": "X", "frameworks": {"f": {"answers": {"1.1": "yes"}}}}, answers)
    fw = schema("framework")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "f", "title": "F", "version": "1", "sources": [], "scoring": [], "sections": []}, fw)


@pytest.mark.parametrize("path", yaml_files(REPO / "crosswalk"), ids=lambda p: p.name)
def test_crosswalk_files_match_schema(path: Path) -> None:
    name = "practices" if path.name == "practices.yaml" else "crosswalk"
    jsonschema.validate(load(path), schema(name))
    assert path.read_text().startswith(f"# yaml-language-server: $schema=../generator/schemas/{name}.schema.json")


def test_crosswalk_schema_rejects_unknown_relationships() -> None:
    cw = schema("crosswalk")
    good = {"framework": "f", "items": {"a": [{"practice": "p", "relationship": "equal", "rationale": "same"}]}}
    jsonschema.validate(good, cw)
    jsonschema.validate({"framework": "f", "items": {"r": {"0": {"none": "floor"}, "1": good["items"]["a"]}}}, cw)
    bad = {"framework": "f", "items": {"a": [{"practice": "p", "relationship": "similar", "rationale": "same"}]}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, cw)
