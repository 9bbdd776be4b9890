"""Members' words: every abbreviation on a page spelt out where it is first used, and listed.

The papers and the published statistics are full of initials (MTFS, SGO, DSG, LAIT, s251 ...).
A councillor should not have to know them.  :func:`mark_page` is the pack's last step before a
page is written (report pages, pack indexes and the England page all pass through it): it reads
the page's visible text in order and

* wraps the first use of each abbreviation of :func:`terms` in ``<abbr title="...">`` (its
  later uses stay as they are: a reader who has met it once is told once);
* spells abbreviations out in a chart's description (an ``<img>``'s ``alt``, read aloud by a
  screen reader, which never shows an ``<abbr>``): ``Medium Term Financial Strategy (MTFS)``;
* writes every minus sign that a paper or a note gives as a hyphen as the true minus (U+2212,
  :func:`analysis.numbers.true_minus`);
* adds a short glossary of the abbreviations the page uses, before "About this report".

Text from notebooks, tables, notes and chart descriptions is all covered, because it is done on
the page as written, not where each sentence is made.  Nothing inside ``<script>``, ``<style>``,
``<title>``, ``<code>``, ``<pre>`` or an existing ``<abbr>`` is changed.  The pack's own words say
"children looked after"; *LAC* (the papers' term) and *CLA* are explained where a paper's own text
or a published source uses them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from ..numbers import true_minus

__all__ = [
    "GLOSSARY_CLASS", "GLOSSARY_FILE", "Term", "glossary_html", "mark_page", "spell_out", "terms", "terms_in",
]


@dataclass(frozen=True)
class Term:
    """An abbreviation and what it stands for (in the words a member reads)."""

    short: str
    long: str
    #: digits may follow the letters (``SFR36/2013``, a release's number)
    numbered: bool = False

    def pattern(self) -> str:
        # the letters first, then "not after a letter, digit or &" as a look behind over them: an
        # alternative that starts with its letters lets the regex engine skip ahead to where one
        # could start (twice as fast on a page as the same test put before the letters)
        short = re.escape(self.short)
        tail = r"(?=\d|(?![\w&]))" if self.numbered else r"(?![\w&])"
        return short + r"(?<![\w&]" + short + ")" + tail


GLOSSARY_FILE = "glossary.toml"


@lru_cache(maxsize=1)
def terms() -> tuple[Term, ...]:
    """Every abbreviation a page may use, with its meaning (``glossary.toml`` beside this module:
    data about the papers' and the statistics' vocabulary, not code)."""
    import tomllib
    from pathlib import Path

    data = tomllib.loads((Path(__file__).with_name(GLOSSARY_FILE)).read_text(encoding="utf-8"))
    return tuple(Term(t["short"], t["long"], bool(t.get("numbered", False))) for t in data["term"])


@lru_cache(maxsize=1)
def _any() -> re.Pattern:
    return re.compile("|".join(f"(?P<t{i}>{t.pattern()})" for i, t in enumerate(terms())))


#: a tag, a comment, or an element whose content is not text a reader sees
_TOKENS = re.compile(r"<!--.*?-->|<(script|style|title|textarea)\b[^>]*>.*?</\1\s*>|<[^>]+>", re.S | re.I)
_SKIP = ("abbr", "code", "pre", "head")
_ALT = re.compile(r'(\balt=")([^"]*)(")')
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][\w-]*)")
#: where the glossary goes: before "About this report" (a report page), else at the end of the page
_ABOUT = re.compile(r'<details class="about"')
GLOSSARY_CLASS = "glossary"


def terms_in(text: str) -> list[str]:
    """The abbreviations of :func:`terms` in ``text``, in the order first used.

    Parameters
    ----------
    text : str
        Plain text.

    Returns
    -------
    list of str
        Each abbreviation as written, once.
    """
    seen: list[str] = []
    for m in _any().finditer(text):
        if m.group(0) not in seen:
            seen.append(m.group(0))
    return seen


def _term(match: re.Match[str]) -> Term:
    group = match.lastgroup  # t<i>: every alternative of _any() is a named group
    assert group is not None
    return terms()[int(group[1:])]


def spell_out(text: str) -> str:
    """Plain text (a chart's description) with each abbreviation spelt out where first used.

    ``MTFS (Jan 2017)`` -> ``Medium Term Financial Strategy (MTFS) (Jan 2017)``; minus signs true.

    Parameters
    ----------
    text : str
        Plain text (not HTML).

    Returns
    -------
    str
        The text with the first use of each abbreviation spelt out.
    """
    seen: set[str] = set()

    def one(m: re.Match) -> str:
        term = _term(m)
        if term.short in seen:
            return m.group(0)
        seen.add(term.short)
        words = term.long.split(" (")[0].split(":")[0]
        return f"{words} {m.group(0)}" if term.numbered else f"{words} ({m.group(0)})"

    return true_minus(_any().sub(one, text))


def _abbr(term: Term, text: str) -> str:
    return f'<abbr title="{html.escape(term.long, quote=True)}">{text}</abbr>'


def _mark_text(text: str, used: list[str]) -> str:
    """One run of visible text (HTML-escaped, as on the page): the first use of each abbreviation
    wrapped, minus signs true.  Text with neither is returned byte for byte."""
    if text.isspace() or not text:  # most runs between two tags: nothing to mark
        return text
    raw = html.unescape(text)
    matches = [m for m in _any().finditer(raw) if _term(m).short not in used]
    if not matches and true_minus(raw) == raw:
        return text
    out, last = [], 0
    for m in matches:
        term = _term(m)
        if term.short in used:  # a second use within the same run of text
            continue
        used.append(term.short)
        out.append(html.escape(true_minus(raw[last:m.start()]), quote=False))
        out.append(_abbr(term, html.escape(m.group(0), quote=False)))
        last = m.end()
    out.append(html.escape(true_minus(raw[last:]), quote=False))
    return "".join(out)


def _mark_alt(tag: str) -> str:
    def one(m: re.Match) -> str:
        return m.group(1) + html.escape(spell_out(html.unescape(m.group(2))), quote=True) + m.group(3)

    return _ALT.sub(one, tag) if tag[:4].lower() == "<img" else tag


def glossary_html(used: list[str]) -> str:
    """The page's short glossary: each abbreviation it uses, in the order met.

    Parameters
    ----------
    used : list of str
        The abbreviations' short forms (as :func:`terms` holds them), in the order met.

    Returns
    -------
    str
        A ``<section class="glossary">`` with a definition list.
    """
    items = "".join(f"<dt>{html.escape(s)}</dt><dd>{html.escape({t.short: t for t in terms()}[s].long)}</dd>" for s in used)
    return (f'<section class="{GLOSSARY_CLASS}" aria-labelledby="glossary-title"><h2 id="glossary-title">'
            f"Abbreviations on this page</h2><dl>{items}</dl></section>")


def mark_page(page: str) -> str:
    """The page with its abbreviations explained and its glossary added.

    See the module's description: the first use of each abbreviation in visible text is wrapped in
    ``<abbr>``, alt texts spell them out, and the glossary goes before "About this report" (else at
    the end).  A page that uses none is returned with only its minus signs made true.

    Parameters
    ----------
    page : str
        A whole HTML page.

    Returns
    -------
    str
        The page, marked.
    """
    used: list[str] = []
    out: list[str] = []
    skip = 0
    last = 0
    for m in _TOKENS.finditer(page):
        text = page[last:m.start()]
        out.append(text if skip else _mark_text(text, used))
        tag = m.group(0)
        name = _TAG_NAME.match(tag)
        if name and name.group(1).lower() in _SKIP and not tag.endswith("/>"):
            if tag.startswith("</"):
                skip = max(0, skip - 1)
            else:
                skip += 1
                if name.group(1).lower() == "abbr":  # already explained on the page
                    inner = page[m.end():page.find("<", m.end())]
                    used.extend(t for t in terms_in(html.unescape(inner)) if t not in used)
        out.append(_mark_alt(tag))
        last = m.end()
    out.append(page[last:] if skip else _mark_text(page[last:], used))
    marked = "".join(out)
    if not used:
        return marked
    box = glossary_html(used)
    about = _ABOUT.search(marked)
    if about:
        return marked[:about.start()] + box + marked[about.start():]
    end = marked.rfind("</body>")
    return marked[:end] + box + marked[end:] if end >= 0 else marked + box
