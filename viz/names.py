"""Finding a municipality by the name people type: official names, common aliases, no accents.

The model knows each municipality by its official CBS name of 2017 (``statnaam`` in
``model/data/gemeenten_2017.csv``): ``'s-Gravenhage``, ``'s-Hertogenbosch``, ``Súdwest-Fryslân``,
``Bergen (NH.)``. A facilitator types "Den Haag", "den bosch" or "Sudwest Fryslan". `search`
matches the typed text against the official names and the aliases in `ALIASES`, ignoring case,
accents, apostrophes and punctuation (`fold`), so ``s-Gravenhage`` and ``sgravenhage`` find
``'s-Gravenhage`` too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache

ALIASES: dict[str, tuple[str, ...]] = {
    "'s-Gravenhage": ("Den Haag", "The Hague"),
    "'s-Hertogenbosch": ("Den Bosch",),
    "Súdwest-Fryslân": ("Zuidwest-Friesland",),
    "Bergen (NH.)": ("Bergen (Noord-Holland)", "Bergen NH"),
    "Bergen (L.)": ("Bergen (Limburg)", "Bergen L"),
    "Nuenen, Gerwen en Nederwetten": ("Nuenen",),
}
"""Official CBS name (2017) -> the other names it goes by.

Source: common Dutch usage. "Den Haag" and "Den Bosch" are the everyday names of
's-Gravenhage and 's-Hertogenbosch (both cities call themselves so; "The Hague" is the English
name); "Zuidwest-Friesland" is the Dutch form of the Frisian official name Súdwest-Fryslân; the
CBS abbreviations of the two Bergens are written out as people say them (Bergen in Noord-Holland,
Bergen in Limburg); Nuenen, Gerwen en Nederwetten is called Nuenen. Accents, apostrophes and
hyphens need no alias: `fold` drops them from both sides."""

_APOSTROPHES = "'’‘`´"
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@cache
def fold(text: str) -> str:
    """``text`` lowercased without accents, apostrophes and punctuation (words single-spaced).

    Example:
        ``fold("'s-Gravenhage") == fold("s gravenhage") == "s gravenhage"`` and
        ``fold("Súdwest-Fryslân") == "sudwest fryslan"``.
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    for mark in _APOSTROPHES:
        plain = plain.replace(mark, "")
    return _NOT_ALNUM.sub(" ", plain.casefold()).strip()


@cache
def _keys(name: str) -> tuple[str, ...]:
    """The folded official name and the folded aliases of ``name``."""
    return (fold(name), *(fold(alias) for alias in ALIASES.get(name, ())))


def _rank(query: str, key: str) -> int | None:
    """How well folded ``query`` fits folded ``key``: 0 equal, 1 start, 2 a word, 3 inside."""
    if key == query:
        return 0
    if key.startswith(query):
        return 1
    if f" {query}" in f" {key}":
        return 2
    if query in key or query.replace(" ", "") in key.replace(" ", ""):
        return 3
    return None


def sort_key(name: str) -> str:
    """Alphabetical order without case, accents and apostrophes (``'s-Gravenhage`` under S)."""
    return fold(name)


def search(query: str | None, names: Iterable[str]) -> list[str]:
    """The ``names`` that fit ``query``, best first (all of them, sorted, for an empty query).

    A name fits when the folded query equals, starts, starts a word of, or lies inside its
    folded official name or one of its `ALIASES`; ties are sorted alphabetically.
    """
    names = list(names)
    q = fold(query or "")
    if not q:
        return sorted(names, key=sort_key)
    scored = []
    for name in names:
        ranks = [r for r in (_rank(q, key) for key in _keys(name)) if r is not None]
        if ranks:
            scored.append((min(ranks), sort_key(name), name))
    return [name for *_, name in sorted(scored)]


def resolve(text: str | None, names: Sequence[str]) -> str | None:
    """The official name among ``names`` that ``text`` names exactly (aliases count), or None.

    Exactly means: equal after `fold`, spaces ignored (``sgravenhage`` names ``'s-Gravenhage``).
    """
    q = fold(text or "").replace(" ", "")
    if not q:
        return None
    hits = [name for name in names if q in {key.replace(" ", "") for key in _keys(name)}]
    return hits[0] if len(hits) == 1 else None
