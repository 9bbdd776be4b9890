"""Who is who: authority codes, names and regions, and the reorganisations that break series.

Releases name an authority by a 3-digit DfE code (``880``), a 9-character ONS code
(``E06000027``) and a name whose spelling changes (``Telford & Wrekin``, ``Poole (Pre LG)``,
``Southend –on-Sea``), matched by :func:`analysis.names.name_key` (re-exported here with
:func:`~analysis.names.clean_name`).  :class:`AuthorityIndex` is built from the releases
themselves - every (old code, new code, name, region) they print - so nothing about one
authority is written here.

What *is* written here is the one list of reorganisations of children's services authorities
since 2009 that the releases reflect (:data:`REORGANISATIONS`).  A predecessor has figures up to
31 March before the change, its successors from the 31 March after it; a row for an authority
in a year it did not exist is dropped (and said), so no child is counted twice - in an authority
series, in a region or in England.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..names import clean_name as clean_name  # re-exported: the readers import it from here
from ..names import name_key

__all__ = [
    "AuthorityIndex", "ENGLAND_CODE", "REORGANISATIONS", "Reorganisation", "existed", "reorganisation_of",
]

ENGLAND_CODE = "E92000001"


@dataclass(frozen=True)
class Reorganisation:
    first_year: int  # first 31 March at which the successors report
    predecessors: tuple[str, ...]  # old 3-digit codes
    successors: tuple[str, ...]
    note: str


REORGANISATIONS: tuple[Reorganisation, ...] = (
    Reorganisation(2010, ("820", "875"), ("822", "823", "895", "896"),
                   "1 April 2009: Bedford (822) and Central Bedfordshire (823) replaced Bedfordshire (820); Cheshire "
                   "East (895) and Cheshire West and Chester (896) replaced Cheshire (875)"),
    Reorganisation(2020, ("835", "836", "837"), ("838", "839"),
                   "1 April 2019: Bournemouth, Christchurch and Poole (839) and Dorset (838) replaced Bournemouth "
                   "(837), Poole (836) and Dorset County (835)"),
    Reorganisation(2022, ("928",), ("940", "941"),
                   "1 April 2021: North Northamptonshire (940) and West Northamptonshire (941) replaced "
                   "Northamptonshire (928)"),
    Reorganisation(2024, ("909",), ("942", "943"),
                   "1 April 2023: Cumberland (942) and Westmorland and Furness (943) replaced Cumbria (909)"),
)


def existed(old_code: str, year: int) -> bool:
    """Whether the authority with ``old_code`` reported children looked after at 31 March ``year``.

    Parameters
    ----------
    old_code : str
        The authority's 3-digit code.
    year : int
        The year of the 31 March count.

    Returns
    -------
    bool
        False for an authority before it was formed or after it was merged (:data:`REORGANISATIONS`).
    """
    for reorg in REORGANISATIONS:
        if old_code in reorg.predecessors and year >= reorg.first_year:
            return False
        if old_code in reorg.successors and year < reorg.first_year:
            return False
    return True


def reorganisation_of(old_code: str) -> Reorganisation | None:
    """The reorganisation an authority took part in, as predecessor or successor.

    Parameters
    ----------
    old_code : str
        The authority's 3-digit code.

    Returns
    -------
    Reorganisation or None
        The reorganisation; ``None`` for an authority none touched.
    """
    for reorg in REORGANISATIONS:
        if old_code in reorg.predecessors or old_code in reorg.successors:
            return reorg
    return None


@dataclass
class AuthorityIndex:
    """Codes, names and regions seen in the releases.  ``frame`` has one row per old code:
    ``old_la_code``, ``new_la_code``, ``name``, ``region_code``, ``region_name``."""

    frame: pd.DataFrame
    regions: pd.DataFrame  # region_code, region_name, key

    @classmethod
    def from_observations(cls, rows: pd.DataFrame) -> AuthorityIndex:
        """``rows``: observations with ``level``, ``old_la_code``, ``new_la_code``, ``name``,
        ``region_code``, ``region_name``, ``release_vintage`` - the newest spelling wins."""
        ordered = rows.sort_values("release_vintage", kind="stable")
        las = ordered[(ordered.level == "local authority") & ordered.old_la_code.notna()]
        frame = (las.groupby("old_la_code", sort=True)
                 .agg(new_la_code=("new_la_code", _last), name=("name", _last),
                      region_code=("region_code", _last), region_name=("region_name", _last))
                 .reset_index())
        regs = ordered[(ordered.level == "regional") & ordered.region_code.notna()]
        regions = regs.groupby("region_code", sort=True).agg(region_name=("region_name", _last)).reset_index()
        regions["key"] = regions.region_name.map(name_key)
        return cls(frame, regions)

    def new_code(self, old_code: str) -> str | None:
        hit = self.frame.loc[self.frame.old_la_code == old_code, "new_la_code"]
        return hit.iloc[0] if len(hit) and isinstance(hit.iloc[0], str) else None

    def by_name(self, name: str) -> str | None:
        """The old code of the authority called ``name`` (any spelling), or ``None``."""
        key = name_key(name)
        hit = self.frame.loc[self.frame.name.map(name_key) == key, "old_la_code"]
        return hit.iloc[0] if len(hit) == 1 else None

    def region_by_name(self, name: str) -> tuple[str, str] | None:
        """``(region_code, region_name)`` for a region named any way (``EAST OF ENGLAND``)."""
        key = name_key(name)
        hit = self.regions[self.regions.key == key]
        return (hit.region_code.iloc[0], hit.region_name.iloc[0]) if len(hit) == 1 else None

    def lookup(self) -> dict[str, dict]:
        return self.frame.set_index("old_la_code").to_dict("index")


def _last(values: pd.Series):
    present = values.dropna()
    present = present[present.astype(str) != ""]
    return present.iloc[-1] if len(present) else None
