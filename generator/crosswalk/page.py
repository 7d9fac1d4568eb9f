"""The crosswalk page of the site: per practice, the framework items mapped to it; per framework, its coverage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.crosswalk.coverage import coverage_matrix
from generator.crosswalk.model import CATALOGUE_ID, Crosswalk, Link
from generator.model import Citation, Framework

PAGE = "crosswalk.md"


def _citation(fw: Framework, cit: Citation | None) -> str:
    if cit is None:
        return ""
    src = fw.source(cit.source)
    return f"{src.title if src else cit.source}, {cit.ref}"


def _item_text(fw: Framework, link: Link) -> str:
    st = fw.by_id[link.item]
    if link.level is None:
        return st.text
    choice = st.choice(link.level)
    return f"level {link.level}: {choice.text}" if choice else f"level {link.level}"


def crosswalk_context(crosswalk: Crosswalk, frameworks: Mapping[str, Framework], framework_href: Any) -> dict[str, Any]:
    """Plain data for ``crosswalk.md.j2``; ``framework_href(id)`` is the link to a framework page."""
    by_practice: dict[str, list[dict[str, Any]]] = {}
    for link in crosswalk.links():
        fw = frameworks[link.framework]
        by_practice.setdefault(link.practice, []).append(
            {
                "framework": fw.title,
                "href": framework_href(fw.id),
                "item": link.key,
                "text": _item_text(fw, link),
                "relationship": link.relationship,
                "rationale": link.rationale,
                "citation": _citation(fw, link.citation),
            }
        )
    areas = [
        {
            "area": area,
            "practices": [{"practice": p, "links": by_practice.get(p.id, [])} for p in area.practices],
        }
        for area in crosswalk.catalogue.areas
    ]
    matrix = coverage_matrix(frameworks, crosswalk)
    targets = sorted(f for f in frameworks if f in crosswalk.maps)
    rows = [
        {
            "source": "the practice catalogue" if source == CATALOGUE_ID else frameworks[source].title,
            "cells": ["-" if t not in row else f"{row[t]:.0%}" for t in targets],
        }
        for source, row in matrix.items()
    ]
    mapped = []
    for fid in targets:
        fw, fmap = frameworks[fid], crosswalk.maps[fid]
        items = {link.item for link in fmap.links}
        none = [
            {
                "item": n.item if n.level is None else f"{n.item}@{n.level}",
                "reason": n.reason,
                "citation": _citation(fw, n.citation),
            }
            for n in fmap.none
        ]
        mapped.append(
            {"framework": fw, "href": framework_href(fid), "mapped": len(items), "total": len(fw.statements), "none": none}
        )
    return {
        "catalogue": crosswalk.catalogue,
        "areas": areas,
        "targets": [frameworks[t] for t in targets],
        "rows": rows,
        "mapped": mapped,
    }
