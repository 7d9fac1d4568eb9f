"""The crosswalk's immutable model: practices (the hub) and links from framework items to them (the spokes).

A link states what the framework ITEM asks compared with the practice:

* ``equal``: the same thing;
* ``subset``: a part of the practice (the practice covers the whole item, and more);
* ``superset``: the whole practice, and more;
* ``intersect``: they overlap; each asks for something the other does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from generator.model import Citation, Framework

EQUAL, SUBSET, SUPERSET, INTERSECT = "equal", "subset", "superset", "intersect"
RELATIONSHIPS = (EQUAL, SUBSET, SUPERSET, INTERSECT)
#: The id under which the catalogue is answered and scored like a framework.
CATALOGUE_ID = "practices"


@dataclass(frozen=True)
class Practice:
    id: str
    title: str
    text: str
    area: str
    refines: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    practices: tuple[Practice, ...]


@dataclass(frozen=True)
class Catalogue:
    """The practice catalogue; ``framework`` is the same catalogue as an answerable framework."""

    version: str
    title: str
    areas: tuple[Area, ...]
    framework: Framework
    path: str = ""
    practices: Mapping[str, Practice] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Link:
    """One framework item (a statement, or one level of a rubric item) mapped to one practice."""

    framework: str
    item: str
    level: int | None  # the rubric level, None for a statement
    practice: str
    relationship: str
    rationale: str
    citation: Citation | None
    path: str = ""
    line: int = 0

    @property
    def key(self) -> str:
        """``item`` or ``item@level``: how the item is named in messages and on the site."""
        return self.item if self.level is None else f"{self.item}@{self.level}"


@dataclass(frozen=True)
class NoCounterpart:
    """A framework item (or rubric level) explicitly without a practice, and why."""

    framework: str
    item: str
    level: int | None
    reason: str
    citation: Citation | None
    path: str = ""
    line: int = 0


@dataclass(frozen=True)
class FrameworkMap:
    """Everything ``crosswalk/<framework>.yaml`` says about one framework."""

    framework: str
    path: str
    links: tuple[Link, ...]
    none: tuple[NoCounterpart, ...] = ()


@dataclass(frozen=True)
class Crosswalk:
    catalogue: Catalogue
    maps: Mapping[str, FrameworkMap]

    def links(self) -> tuple[Link, ...]:
        return tuple(link for m in self.maps.values() for link in m.links)

    def mapped(self, framework_id: str) -> bool:
        """True when the framework has at least one link to a practice."""
        m = self.maps.get(framework_id)
        return m is not None and bool(m.links)
