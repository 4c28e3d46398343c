"""One descriptor per target kind: what the docs, the prompt and every message say of it.

``ALL_TARGET_KINDS`` (what a tool may accept), the names a plugin may not take
(:data:`refocus_dsl.registry.RESERVED_NAMES`) and the wording of the checker's
messages all derive from :data:`TARGET_KINDS`; a new kind is one entry here and
one check function (see :mod:`refocus_dsl.lang.targets`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = ["TargetKind", "TARGET_KINDS", "ALL_TARGET_KINDS", "kind_of"]

Needs = Literal["table", "chart", "subplots"]


@dataclass(frozen=True)
class TargetKind:
    """One query kind: how the docs show it and how messages name what it selects."""

    name: str
    signature: str
    summary: str
    example: str
    needs: Needs | None
    """What the layout must have, or None for kinds that work on any image."""
    noun: str
    """One thing it selects: "column" ("column 3 does not exist")."""
    where: str = "this image"
    """The thing the labels belong to: "this table" ("no column named ... in this table")."""
    labelled: str = "named"
    """How a label names one: 'no row starting with "x"', 'no bar labelled "x"'."""
    listing: str = ""
    """How a list of its labels begins: "columns are", "rows start with"."""
    empty_hint: str = ""
    """What to write when the call names nothing."""
    needs_layout: bool = True
    """False for kinds that resolve on any image without a layout (region)."""
    in_panels: bool = False
    """Whether ``subplot=N`` may name one panel's contents (kinds of tables and charts)."""

    @property
    def plural(self) -> str:
        return self.noun if self.noun.endswith("s") else self.noun + "s"

    def count(self, n: int) -> str:
        """How many, in words: "3 columns", "1 column", "2 series"."""
        return f"{n} {self.noun if n == 1 else self.plural}"

    def missing(self, label: str) -> str:
        """The E203 message for a label this layout does not have."""
        return f'no {self.noun} {self.labelled} "{label}" in {self.where}'

    def there_is(self, label: str) -> str:
        """The hint for a label found under this kind instead."""
        return f'there is a {self.noun} {self.labelled} "{label}": write {self.name}("{label}")'


TARGET_KINDS: Mapping[str, TargetKind] = MappingProxyType(
    {
        k.name: k
        for k in (
            TargetKind(
                "columns",
                'columns("Header", ...)',
                "table columns by header text or ordinal",
                'columns("Year", "Earning")',
                "table",
                noun="column",
                where="this table",
                listing="columns are",
                empty_hint='name at least one, e.g. columns("Year")',
                in_panels=True,
            ),
            TargetKind(
                "rows",
                'rows("first cell", ...)',
                "table rows by first-cell text or ordinal among body rows",
                'rows("1996", "1997")',
                "table",
                noun="row",
                where="this table",
                labelled="starting with",
                listing="rows start with",
                empty_hint='name rows by their first cell, e.g. rows("1996")',
                in_panels=True,
            ),
            TargetKind(
                "cells",
                'cells(row="...", col="...")',
                "table cells where named rows and columns cross",
                'cells(row="1996", col="Earning")',
                "table",
                noun="cell",
                where="this table",
                empty_hint='write cells(row="1996", col="Earning")',
                in_panels=True,
            ),
            TargetKind(
                "bars",
                'bars("label", ..., series="...")',
                "bar-chart categories by tick label; with series=, that series' bar in each",
                'bars("South", series="Women")',
                "chart",
                noun="bar",
                where="this chart",
                labelled="labelled",
                listing="bars are",
                empty_hint='name bars by their category label, e.g. bars("China")',
                in_panels=True,
            ),
            TargetKind(
                "series",
                'series("legend label" | n, ...)',
                "every bar of one series of a grouped or stacked chart, by legend label or ordinal",
                'series("Women")',
                "chart",
                noun="series",
                where="this chart",
                labelled="named",
                listing="series are",
                empty_hint='name a series by its legend label, e.g. series("Women"), or ordinal',
                in_panels=True,
            ),
            TargetKind(
                "subplots",
                "subplots(n, ...)",
                "panels of a figure, counted from 1 in reading order",
                "subplots(1, 3)",
                "subplots",
                noun="subplot",
                where="this figure",
                labelled="titled",
                listing="subplot titles are",
                empty_hint="name panels by ordinal from 1, e.g. subplots(2)",
            ),
            TargetKind(
                "region",
                "region(x1, y1, x2, y2)",
                "a rectangle in fractions of the image (0..1)",
                "region(0.1, 0.2, 0.5, 0.6)",
                None,
                noun="region",
                needs_layout=False,
                empty_hint="e.g. region(0.1, 0.2, 0.5, 0.6): left, top, right, bottom as fractions",
            ),
            TargetKind(
                "text",
                'text("...")',
                "wherever the layout shows that text",
                'text("Total")',
                None,
                noun="text",
                empty_hint='e.g. text("Total")',
            ),
        )
    }
)
"""Every target kind, in the order the docs and the prompt list them."""

ALL_TARGET_KINDS: frozenset[str] = frozenset(TARGET_KINDS)
"""The kinds a tool accepts unless it says otherwise."""


def kind_of(name: str) -> TargetKind:
    """The descriptor of target kind ``name`` (KeyError for a name that is not one)."""
    return TARGET_KINDS[name]
