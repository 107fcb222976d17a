"""The organisation's name as a choice among scored candidates from every source.

Each source that may name the organisation gives candidates: a labelled value ('Organisation:
...'), the prose ('On behalf of ...', '... would like to apply'), the organisation field of the
attached IPR agreement, a signature line carrying a legal form, the subject, a job title ('CTO of
...'). A candidate scores its source's weight, more when it carries a legal form or agrees with
the sender's domain; candidates naming the same organisation add up, and a shorter one ('Acme')
lends its support to the longer it begins ('Acme Postal Technologies Ltd'). Job titles,
departments, greetings, sign-offs and postal addresses are never names.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum

from .legalforms import CJK_PREFIXES, LEGAL_FORM_END, is_organisation_name, legal_form
from .lexicon import LEXICON, unspaced


class Source(StrEnum):
    LABEL = "label"  # 'Organisation: Acme Ltd'
    PROSE = "prose"  # 'Acme Ltd would like to join ...'
    IPR = "ipr"  # the agreement's 'Participant Organization Name'
    SIGNATURE = "signature"  # a line of the signature carrying a legal form
    SUBJECT = "subject"
    TITLE = "title"  # 'CTO of Acme Ltd'
    CARD = "card"  # the ORG of an attached contact card (vCard)
    LINK = "link"  # the words of a link to the organisation's site or mailbox ('Acme Trust' -> acme.example)


WEIGHTS = {
    Source.LABEL: 6,
    Source.PROSE: 4,
    Source.IPR: 3,
    Source.SIGNATURE: 2,
    Source.SUBJECT: 2,
    Source.TITLE: 1,
    Source.CARD: 2,
    Source.LINK: 2,
}
# Where a name comes in two forms, the other form ('Foo K.K. (フー株式会社)'): a hair less, so that
# support from another source decides, and without it the default form does.
OTHER_FORM_PENALTY = 0.25
LEGAL_FORM_BONUS = 2
DOMAIN_BONUS = 2


@dataclass(frozen=True)
class Candidate:
    name: str
    source: Source
    pos: int = 0  # later statements win ties


# What is never an organisation's name.
_JOB_TITLE = re.compile(
    r"^(?:(?:senior|junior|deputy|assistant|acting|interim|executive|vice|associate|principal|lead|chief|"
    r"global|group|regional|general)\s+)*(?:head|director|manager|officer|engineer|architect|lead|chair(?:man|woman|person)?|"
    r"president|founder|co-founder|partner|secretary|treasurer|consultant|specialist|analyst|administrator|"
    r"coordinator|advisor|adviser|counsel|ceo|cto|ciso|cio|coo|cso|cfo|vp|svp|evp|owner|member of the board|"
    r"geschäftsführer(?:in)?|leiter(?:in)?|directeur|directrice|responsable|director[a]?|diretor[a]?|direttore|"
    r"directeur général|gerente|jefe|kierownik|prezes|ředitel(?:ka)?|vedoucí|müdür)\b",
    re.I,
)
_DEPARTMENT = re.compile(
    r"^(?:(?:the|our)\s+)?(?:pki|ca|security|it|information security|compliance|legal|engineering|operations|"
    r"trust services|policy|research|development|product|sales|marketing|support|customer|technical|"
    r"infrastructure|risk|governance|certificate|certification|identity|crypto(?:graphy)?|platform|"
    r"board|office|team|department|division|unit|group)(?:\s+(?:and|&)\s+\w+)*"
    r"(?:\s+(?:operations|compliance|policy|team|department|division|unit|office|services|engineering|"
    r"management|governance|security|research|development|infrastructure|board|group))*$",
    re.I,
)
# A greeting or a closing ('Dear', 'With best wishes', 'Mit freundlichen Grüßen'): the lexicon's, in every language.
_GREETING_OR_SIGNOFF = re.compile(rf"{LEXICON.word_sources['sign_off']}|{LEXICON.word_sources['greeting']}")
_POSTAL = re.compile(
    r"\d.*\b(?:street|st\.?|road|rd\.?|avenue|ave\.?|lane|way|place|square|court|house|floor|suite|building|"
    r"straße|strasse|str\.|weg|platz|gasse|allee|rue|avenue|boulevard|calle|avenida|av\.|rua|via|viale|"
    r"piazza|corso|ulica|ul\.|náměstí|gatan|gade|vej|katu|sokak|cadde(?:si)?|caddesi|mahallesi|po box)\b|"
    r"\b(?:po box|p\.o\. box|postfach|boîte postale)\b|\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b|"
    r"^\d{1,5}\s+\w+|\b\d{4,5}\s+[A-ZÀ-Ž][a-zà-ž]+$",
    re.I,
)
_GENERIC = re.compile(
    r"^(?:the\s+)?(?:company|organi[sz]ation|society|association|institute|foundation|firm|group|"
    r"applicant|member|us|we|our|n/?a|tbd|none|see (?:above|below|attached))$",
    re.I,
)
_NOT_ORG = re.compile(
    r"working group|\bforum\b|\bwg\b|s/mime|cab\s*f|ca/browser|^(?:the|our|my|a|an|we|i|this|it|there|here|"
    r"he|she|they|which|what|please|attached|as)\b",
    re.I,
)


_TITLE_WORD = re.compile(
    r"\b(?:head|director|manager|officer|engineer|architect|chair(?:man|woman|person)?|president|founder|"
    r"secretary|treasurer|consultant|specialist|analyst|administrator|coordinator|advis[oe]r|counsel|"
    r"ceo|cto|ciso|cio|coo|cso|cfo|vp|svp|evp|lead|partner|researcher|scientist|developer)\b",
    re.I,
)


def is_job_title(text: str) -> bool:
    """'Chair of the Board', 'Honorary Secretary', 'Head of PKI Compliance': a short phrase naming a post."""
    return len(text.split()) <= 7 and bool(_JOB_TITLE.match(text.strip()) or _TITLE_WORD.search(text))


def rejected(name: str) -> bool:
    """A job title, department, greeting, sign-off, postal address or other word that names no one."""
    plain = name.strip(" ,.;:-–|")
    return (
        not plain
        or len(plain) > 120
        or "@" in plain
        or "://" in plain
        or any(mark in plain for mark in "。！？：")  # a sentence ('株式会社X 運用部の佐藤です。'), a label
        or plain.count("(") + plain.count("（") != plain.count(")") + plain.count("）")  # a cut name
        or bool(re.match(r"www\.", plain, re.I))
        or not any(ch.isalpha() for ch in plain)
        or bool(_GREETING_OR_SIGNOFF.match(plain))
        or bool(_JOB_TITLE.match(plain))
        or bool(_DEPARTMENT.match(plain))
        or bool(_POSTAL.search(plain))
        or bool(_GENERIC.match(plain))
        or bool(_NOT_ORG.search(plain))
    )


_STATING = frozenset({Source.LABEL, Source.PROSE, Source.TITLE, Source.SIGNATURE, Source.SUBJECT})


def choose(
    candidates: list[Candidate], sender_domain: str = "", stating: frozenset[Source] | set[Source] = _STATING
) -> str | None:
    """The best-supported name; None when no candidate survives the rejections. A name must be given
    by a stating source (itself or a shorter name it continues): the others only support."""
    kept = []
    penalty: dict[str, float] = {}
    for candidate in candidates:
        named = [name for name in forms(candidate.name) if not rejected(name)]
        kept += [replace(candidate, name=name) for name in named]
        for other in named[1:]:
            penalty[_key(other)] = OTHER_FORM_PENALTY
    if not kept:
        return None
    support: dict[str, float] = {}
    best: dict[str, Candidate] = {}
    for candidate in kept:
        key = _key(candidate.name)
        support[key] = support.get(key, 0) + WEIGHTS[candidate.source]
        if key not in best or candidate.pos >= best[key].pos:
            best[key] = candidate
    for key, less in penalty.items():
        support[key] -= less
    for key in list(support):
        support[key] += LEGAL_FORM_BONUS if legal_form(best[key].name) else 0
        support[key] += DOMAIN_BONUS if agrees_with_domain(best[key].name, sender_domain) else 0
    lent = {
        longer: sum(support[shorter] for shorter in support if shorter != longer and _begins(longer, shorter))
        for longer in support
    }
    stated = {_key(c.name) for c in kept if c.source in stating}
    score = {
        key: support[key] + lent[key]
        for key in support
        if key in stated or any(_begins(key, shorter) for shorter in stated)
    }
    if not score:
        return None
    winner = max(score, key=lambda key: (score[key], len(key) if lent[key] else 0, best[key].pos))
    return best[winner].name


def agrees_with_domain(name: str, domain: str) -> bool:
    """'Cheshire Vale Certification Services PLC' and cheshirevale-cert.co.uk; 'Society for Privacy
    and Security of Electronic Mail' and spsem.org (its initials); 'Fundación Llave Abierta' and
    llaveabierta.example (words of the name in a row)."""
    label = _domain_label(domain)
    if len(label) < 3:
        return False
    words = [w for w in re.findall(r"\w+", _fold(name)) if w not in _CONNECTORS]
    joined = "".join(words)
    first = re.split(r"[-_]", label)[0]
    initials = "".join(w[0] for w in words)
    bare = label.replace("-", "")
    if (len(first) >= 4 and joined.startswith(first)) or bare in (initials, joined):
        return True
    runs = ("".join(words[i:j]) for i in range(len(words)) for j in range(i + 2, len(words) + 1))
    return len(bare) >= 6 and any(run == bare for run in runs)


# 'Foo Trust K.K. (フー・トラスト株式会社)', '주식회사 한빛메일 (Hanbit Mail Co., Ltd.)', 'Công ty ABC (ABC
# Company Ltd)': a name and its other form in brackets (after a label such as '英文名：' or 'English name:').
_OTHER_FORM = re.compile(
    r"^(?P<main>[^()（）]{2,120}?)\s*[(（](?:[^()（）:：]{1,24}[:：]\s*)?(?P<other>[^()（）:：]{2,120})[)）]\s*$"
)
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&.\-]{1,11}")


def forms(name: str) -> tuple[str, ...]:
    """The forms a name is written in, the default first: a name with another form in brackets is two
    names, never one glued together; the first in Latin script (else the first written) is the default.
    An acronym in brackets ('(SPSEM)') is no other form; a bracket that names no organisation (a city) stays."""
    found = _OTHER_FORM.match(name)
    if not found:
        return (name,)
    main, other = found.group("main").strip(" ,;-–"), found.group("other").strip(" ,;")
    if _ACRONYM.fullmatch(other):
        return (main,)
    if not (is_organisation_name(other) or _latin(other) != _latin(main) or _named_apart(main, other)):
        return (name,)
    return (other, main) if _latin(other) and not _latin(main) else (main, other)


def _named_apart(main: str, other: str) -> bool:
    """'Song Hong Digital Certification JSC (Công ty Cổ phần Chứng thực Số Sông Hồng)': a full name with its
    legal form, then three words or more in brackets, is a name and its translation, not a name and its city."""
    return bool(legal_form(main)) and len(other.split()) >= 3


def reads_as_sentence(text: str) -> bool:
    """Whether the text reads as a sentence, not a name: a frequent little word of some language that no
    name holds ('is', 'ist', 'jest'; not the 'and', 'of', 'für' names link their words with)."""
    return any(
        word.group(0).islower() and word.group(0) not in _CONNECTORS
        for word in LEXICON.word("common").finditer(text)
    )


def _latin(text: str) -> bool:
    """Written in Latin letters ('Công ty Cổ phần' too), not Han, kana, Hangul, Cyrillic, Greek, Arabic..."""
    return all(ch < "\u0250" or unicodedata.name(ch, "").startswith("LATIN") for ch in text if ch.isalpha())


def signature_names(text: str) -> list[tuple[int, str]]:
    """Lines (or parts of lines, between '|' or commas) that carry a legal form: 'CTO | Acme Mail A/S',
    'Acme Ltd, 1 Main Street, Leeds'. Positions are the lines' offsets in the text."""
    found = []
    pos = 0
    for line in text.split("\n"):
        found += [(pos, name) for name in _names_in_line(line.strip(" >\t"))]
        pos += len(line) + 1
    return found


@functools.lru_cache(maxsize=1024)  # a signature repeats in every quoted message
def _names_in_line(line: str) -> tuple[str, ...]:
    if not 3 <= len(line) <= 160 or re.search(r"[.!?]\s+[a-z]", line):
        return ()
    return tuple(
        part
        for part in line_parts(line)
        if legal_form(part) and ":" not in part and len(part.split()) <= 10 and not rejected(part)
    )


def extend_name(text: str, end: int) -> int:
    """Where a name cut at 'for'/'of'/'and' really ends: across connectors followed by capitalised
    words ('Society' -> 'Society for Privacy and Security of Electronic Mail'), and across a legal form
    that follows ('Acme Postal Technologies' -> '... Ltd'); never past a legal form."""
    while True:
        rest = text[end : end + 200]
        form = LEGAL_FORM_END.match(rest.lstrip(" ,")) if rest[:1] in (" ", ",") else None
        if form and not re.match(r"\s*,?\s*(?:Co\.|Company)$", form.group(0)):
            return end + (len(rest) - len(rest.lstrip(" ,"))) + form.end()
        more = _CONTINUATION.match(rest)
        if not more:
            return end
        end += more.end()
        if legal_form(text[:end].rsplit(" ", 12)[-1]):
            return end


_CONNECTORS = {"for", "of", "and", "the", "in", "&", "für", "und", "de", "du", "des", "la", "le", "di",
               "della", "del", "da", "do", "dos", "das", "van", "voor", "en", "och", "og", "i", "w", "z", "y", "e",
               "för", "av", "af", "til", "pour", "para", "per", "zu", "dla", "na", "ve", "và"}  # fmt: skip
_CONTINUATION = re.compile(
    r"\s+(?:for|of|and|&|für|und|de|du|des|di|della|del|da|do|van|voor|en|och|og|y|e)(?:\s+the)?"
    r"(?:\s+(?!I\b)[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'-]*(?:-[A-Za-zÀ-ž]+)*)+"
)


def line_parts(line: str) -> list[str]:
    """The parts of a signature line that may each be a name: between '|', ' - ', tabs and commas (a legal
    form after a comma stays with its name), and between words of scripts written without spaces."""
    parts = []
    for piece in _unspaced_words(re.split(r"\s+[|•·–—]\s+|\s+-\s+|\t", line)):
        pieces = [p.strip() for p in piece.split(",")]
        merged: list[str] = []
        for p in pieces:
            if merged and (legal_form("X " + p) == p or legal_form(merged[-1] + ", " + p)):
                merged[-1] = f"{merged[-1]}, {p}"  # 'Cardinal Peak Trust Company, LLC'
            elif p:
                merged.append(p)
        parts += merged
    return [p.strip(" .;:") if not p.endswith(".") or not legal_form(p) else p.strip(" ;:") for p in parts]


def _unspaced_words(pieces: list[str]) -> list[str]:
    """Scripts written without spaces put one between a name and what follows it ('株式会社アサギ電子認証
    認証局運用部 部長', '一般社団法人電子メール信頼性推進協会 事務局'): a space between two such words ends
    the name, but one after a legal form written before it ('株式会社 ひのき認証サービス')."""
    out: list[str] = []
    for piece in pieces:
        words = re.split(r"\s+", piece.strip()) if unspaced(piece) else [piece]
        joined = words[:1]
        for word in words[1:]:
            if joined[-1] in CJK_PREFIXES or not (unspaced(joined[-1][-1]) and unspaced(word[:1])):
                joined[-1] += " " + word
            else:
                joined.append(word)
        out += joined
    return out


def _key(name: str) -> str:
    return " ".join(re.findall(r"\w+", _fold(name)))


def _begins(longer: str, shorter: str) -> bool:
    return len(longer) > len(shorter) and longer.startswith(shorter + " ")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return (
        "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("æ", "ae").replace("ø", "o")
    )


def _domain_label(domain: str) -> str:
    """The registrant's label of a domain: 'cheshirevale-cert' of mail.cheshirevale-cert.co.uk."""
    labels = domain.lower().strip(".").split(".")
    while len(labels) > 1 and (len(labels[-1]) <= 3 or labels[-1] in _SUFFIX_LABELS):
        if len(labels) == 2:
            return labels[0]
        labels.pop()  # co.uk, com.br, org: short labels are suffixes
    return labels[-1] if labels else ""


_SUFFIX_LABELS = {"info", "mail", "example", "test", "invalid", "local", "online", "email", "tech", "cloud"}
