"""The applicant's web site: a labelled value, a URL near words about a web site, or beside the name."""

from __future__ import annotations

import re

from .lexicon import or_words
from .organisation import organization_in_prose
from .prose import Sentence
from .statements import Statement, latest, of
from .urls import normalise_url, not_website, urls_in

_WEBSITE_PROSE = or_words(  # the English words, and the lexicon's in other languages
    "website",
    re.compile(
        r"web\s?-?site|homepage|home page|web address|\bsite\b|\bURL\b|found (?:at|on)|online at", re.I
    ),
)


def website_beside_organization(text: str) -> str | None:
    """'Acme Ltd (https://acme.example)', 'we (Acme Ltd, https://acme.example)': a URL right after the
    organisation's name, in the same brackets or brackets of its own."""
    org = organization_in_prose(text)
    if not org:
        return None
    match = _url_after(text, org)
    return normalise_url(match.group(1)) if match and not not_website(match.group(1)) else None


_URL_IN_BRACKETS = re.compile(r"\s*[(,]\s*((?:https?://|www\.)[^\s(),]+)\s*\)")


def _url_after(text: str, name: str) -> re.Match[str] | None:
    """The first place the name is followed by a URL in brackets. (Found with str.find, not a pattern
    made of the name: compiling a pattern per message cost more than the reading.)"""
    start = text.find(name)
    while start >= 0:
        match = _URL_IN_BRACKETS.match(text, start + len(name))
        if match:
            return match
        start = text.find(name, start + 1)
    return None


def extract_website(statements: list[Statement], sentences: list[Sentence]) -> str | None:
    candidates: list[tuple[int, str | None]] = [
        (s.pos, website_in_value(s.value)) for s in of(statements, "website")
    ]
    candidates += [
        (s.pos, website_in_prose(s.text) or website_beside_organization(s.text)) for s in sentences
    ]
    return latest(candidates)


def website_in_value(value: str) -> str | None:
    return next(
        (u for u in urls_in(value, bare=True) if not re.search(r"crt\.sh|cabforum\.org", u, re.I)), None
    )


def website_in_prose(text: str) -> str | None:
    match = _WEBSITE_PROSE.search(text)
    if not match:
        return None
    after = [u for u in urls_in(text[match.start() :], bare=True) if not not_website(u)]
    before = [u for u in urls_in(text[: match.start()], bare=True) if not not_website(u)]
    return next(iter(after or before[-1:]), None)
