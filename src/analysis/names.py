"""Authority names, matched one way everywhere: the command line (``--authority``), the
notebooks' papermill parameters (:class:`analysis.data.Pack`) and ``register``.

A name the user types is looked up among *known* names - the papers' (``data/raw/manifest.csv``)
and the releases' (``cla_rates``), in groups searched in that order - in three tiers; the first
tier in which a group holds exactly one name wins:

1. **exact** - the name as known (or its folder name, :func:`slug`, which tier 2 also finds);
2. **spelling** - the same but for case, punctuation, spacing, word order, ``&``/``and``,
   ``St``/``St.``/``Saint`` and LAIT's ``(Pre LG)`` tag (:func:`name_key`):
   ``St Helens`` = ``St. Helens``, ``Telford & Wrekin`` = ``telford-wrekin``;
3. **designation** - the same again without the words that say what kind of council it is
   (:data:`DESIGNATIONS`: ``City of``, ``County``, ``Council``, ``Borough``, …; :func:`loose_key`):
   ``Bristol`` = ``Bristol, City of``, ``Kingston upon Hull`` = ``Kingston Upon Hull, City of``,
   ``County Durham`` = ``Durham``, ``Bedford`` = ``Bedford Borough``.

Two names in one tier of one group are *ambiguous* (:attr:`NameMatch.candidates`), never a
guess.  A name in no tier gets *suggestions*: known names whose :func:`loose_key` is close to it
(:mod:`difflib`, :data:`NEAR`) or holds all of its words (``Kingston`` -> both Kingstons).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

__all__ = [
    "DESIGNATION", "DESIGNATIONS", "EXACT", "MAX_SUGGESTIONS", "NEAR", "NameMatch", "NewName", "SPELLING",
    "check_new_authority", "clean_name", "loose_key", "match", "name_key", "slug", "suggest",
]

#: words that say what kind of council a name is, not which: dropped by :func:`loose_key`
DESIGNATIONS = frozenset({"city", "of", "county", "council", "borough", "metropolitan", "royal", "district", "the"})
#: the :mod:`difflib` ratio (0-1) from which a known name is offered as "did you mean"
NEAR = 0.75
#: the most names a suggestion lists
MAX_SUGGESTIONS = 3

EXACT, SPELLING, DESIGNATION = "exact", "spelling", "designation"

_PRE_LG = re.compile(r"\s*\(pre lg\)\s*$", re.IGNORECASE)
_SAINT = {"saint": "st"}


def clean_name(name: str) -> str:
    """A name as printed without LAIT's ``(Pre LG)`` tag and surrounding spaces.

    Parameters
    ----------
    name : str
        The printed name.

    Returns
    -------
    str
        The cleaned name.
    """
    return _PRE_LG.sub("", str(name)).strip()


@functools.lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """A spelling-proof key: ``Telford & Wrekin`` = ``Telford and Wrekin`` = ``telford-wrekin``,
    ``Southend –on-Sea`` = ``Southend-on-Sea``, ``London (Inner)`` = ``Inner London``,
    ``Bristol, City of`` = ``City of Bristol``, ``St Helens`` = ``St. Helens`` = ``Saint Helens``
    (the words in lower case, ``and`` dropped, sorted)."""
    text = clean_name(name).lower().replace("&", " and ")
    text = re.sub(r"<[^>]+>", " ", text)
    tokens = [_SAINT.get(t, t) for t in re.findall(r"[a-z0-9]+", text) if t != "and"]
    return " ".join(sorted(tokens))


_BOROUGH_OF = re.compile(r"\b(london|metropolitan|royal)\s+borough\s+of\b", re.IGNORECASE)


@functools.lru_cache(maxsize=8192)
def loose_key(name: str) -> str:
    """:func:`name_key` without :data:`DESIGNATIONS` and a leading ``London Borough of``
    (``Bristol, City of`` -> ``bristol``); the whole key when nothing else is left."""
    tokens = name_key(name).split()
    kept = [t for t in name_key(_BOROUGH_OF.sub(" ", str(name))).split() if t not in DESIGNATIONS]
    return " ".join(kept) if kept else " ".join(tokens)


def slug(name: str) -> str:
    """A folder name: ``'Cambridgeshire'`` -> ``'cambridgeshire'``; ``'Brighton & Hove'`` -> ``'brighton-hove'``.

    Parameters
    ----------
    name : str
        An authority's name.

    Returns
    -------
    str
        Lower-case words joined by hyphens.
    """
    out = "".join(c.lower() if c.isascii() and c.isalnum() else "-" for c in name)
    return "-".join(part for part in out.split("-") if part) or "authority"


@dataclass(frozen=True)
class NameMatch:
    """What :func:`match` found for ``requested``: the known spelling (``name``, and ``how`` it
    matched, one of ``exact``/``spelling``/``designation``), or several (``candidates``), or none
    (``suggestions``: near misses)."""

    requested: str
    name: str | None = None
    how: str = ""
    candidates: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    other: str | None = None  # a known name that is not an authority (a region, England)

    @property
    def found(self) -> bool:
        return self.name is not None

    def did_you_mean(self) -> str:
        """``did you mean 'Cambridgeshire'?`` (empty when there is no suggestion)."""
        return f"did you mean {_either(self.suggestions)}?" if self.suggestions else ""

    def not_authority(self) -> str:
        """``London is a region (or England) in the releases, not a local authority``."""
        return f"{self.other} is a region (or England) in the releases, not a local authority"

    def ambiguity(self) -> str:
        """``'st helens' could be 'St Helens' or 'St. Helens': use one exactly``."""
        return f"{self.requested!r} could be {_either(self.candidates)}: use one exactly as written"


def _either(names: Sequence[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


_TIERS = ((EXACT, lambda n: n), (SPELLING, name_key), (DESIGNATION, loose_key))


def match(requested: str, *groups: Iterable[str], others: Iterable[str] = ()) -> NameMatch:
    """``requested`` among the known names, in ``groups`` searched in order (module docstring).

    Parameters
    ----------
    requested : str
        The name as typed.
    *groups : iterable of str
        Known names, searched group by group.
    others : iterable of str, optional
        Known names that are not authorities (the releases' regions and England): a name spelled as
        one of them (tiers 1-2) is not matched to an authority by designation (``London`` is a
        region, not ``City of London``), and says so in :attr:`NameMatch.other`.

    Returns
    -------
    NameMatch
        The known spelling and how it matched, or several candidates, or near misses.
    """
    wanted = str(requested).strip()
    pools = [_names(g) for g in groups]
    known = [n for pool in pools for n in pool]
    for how, key in _TIERS:
        target = key(wanted)
        for pool in pools:
            hits = [n for n in pool if key(n) == target]
            if len(hits) == 1:
                return NameMatch(wanted, hits[0], how)
            if hits:
                return NameMatch(wanted, candidates=tuple(hits))
        if how == SPELLING:
            other = next((n for n in _names(others) if name_key(n) == target), None)
            if other is not None:
                return NameMatch(wanted, other=other, suggestions=suggest(wanted, known))
    return NameMatch(wanted, suggestions=suggest(wanted, known))


def _names(group: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(str(n) for n in group if isinstance(n, str) and n.strip()))


def suggest(requested: str, known: Sequence[str], limit: int = MAX_SUGGESTIONS) -> tuple[str, ...]:
    """Known names close to ``requested``.

    Those holding all its words first, then the nearest by :mod:`difflib` on :func:`loose_key`
    (ratio at least :data:`NEAR`).

    Parameters
    ----------
    requested : str
        The name as typed.
    known : sequence of str
        The known names.
    limit : int, optional
        At most this many.

    Returns
    -------
    tuple of str
        The suggestions, best first.
    """
    target = loose_key(requested)
    words = set(target.split())
    names = list(dict.fromkeys(known))
    holding = sorted((n for n in names if words and words <= set(loose_key(n).split())), key=str.casefold)
    ranked = sorted(((difflib.SequenceMatcher(None, target, loose_key(n)).ratio(), n) for n in names),
                    key=lambda pair: (-pair[0], pair[1].casefold()))
    near = [n for ratio, n in ranked if ratio >= NEAR]
    return tuple(dict.fromkeys(holding + near))[:limit]


# --------------------------------------------------------------------------------------------- register


@dataclass(frozen=True)
class NewName:
    """The spelling ``register`` should write (:func:`check_new_authority`) and what to tell the user."""

    name: str
    notes: list[str] = field(default_factory=list)


def check_new_authority(new: str, registered: Iterable[str], releases: Iterable[str] = (), *,
                        manifest: str | Path = "manifest.csv") -> NewName:
    """The authority name a new delivery is registered under.

    A name that differs from a known one only in spelling (case, punctuation, spacing: tier 2 of
    :func:`match`) is refused - one authority must have one spelling, or its packs split and share a
    folder - as is a name that could be several.  A name that differs only by a designation
    (``Bristol`` for the releases' ``Bristol, City of``) is registered under the known spelling, with
    a note.  A new name is accepted with notes: whether the releases know it, and any near miss.

    Parameters
    ----------
    new : str
        The name as typed.
    registered : iterable of str
        The authorities in the manifest.
    releases : iterable of str, optional
        The English authorities in the public tables (empty when ``public-stats`` has not been run).
    manifest : str or pathlib.Path, optional
        The manifest, named in a refusal.

    Returns
    -------
    NewName
        The spelling to register and the notes for the user.

    Raises
    ------
    analysis.errors.InputError
        A refusal, naming ``manifest`` and the column ``authority``.
    """
    registered, releases = list(registered), list(releases)
    typed = str(new).strip()
    if not typed:
        raise InputError(manifest, column="authority", expected="an authority name, e.g. Cambridgeshire", found=new)
    found = match(typed, registered, releases)
    source = "as already registered" if found.name in registered else "as the releases spell it"
    if found.candidates:
        raise InputError(manifest, column="authority", found=typed,
                         expected=f"one authority ({found.ambiguity()})")
    if found.name is not None:  # found (a tier's ``how`` is set only with a name)
        if found.how == SPELLING and found.name != typed:
            raise InputError(manifest, column="authority", found=typed,
                             expected=f"{found.name!r} {source} (the same name but for case, punctuation or spacing: "
                                      "one authority has one spelling); register with --authority "
                                      f"{_shell(found.name)}")
        if found.how == DESIGNATION:
            return NewName(found.name, [f"{typed!r} is registered as {found.name!r}, {source}"])
        return NewName(found.name, [] if found.name in registered else
                       [f"new authority {found.name!r}: the releases have its published statistics"])
    notes = [f"new authority {typed!r}" + (": not in the releases, so its packs will have no published statistics"
                                           if releases else " (not checked against the releases: the public "
                                           "statistics are not built; run `python -m analysis public-stats`)")]
    if found.suggestions:
        notes.append(found.did_you_mean())
    return NewName(typed, notes)


def _shell(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_.-]+", name) else "'" + name.replace("'", "'\\''") + "'"
