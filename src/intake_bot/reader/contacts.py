"""People: e-mail addresses, telephone numbers and the names written beside them."""

from __future__ import annotations

import re
from functools import lru_cache

from .patterns import EMAIL, URL

_PHONE = re.compile(
    r"(?<![\w/=?&.])(?:\+|00)?\(?\d[\d\s().\-/]{5,22}\d(?:\s*(?:ext\.?|x)\s*\d{1,5})?(?![\w])"
)
_NAME_STOP = {
    "our",
    "the",
    "a",
    "an",
    "representative",
    "representatives",
    "voting",
    "contact",
    "contacts",
    "emergency",
    "email",
    "e-mail",
    "mail",
    "name",
    "is",
    "are",
    "and",
    "security",
    "team",
    "primary",
    "other",
    "alternate",
    "hello",
    "dear",
    "hi",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "phone",
    "tel",
    "please",
    "reach",
    "via",
    "at",
    "incident",
    "incidents",
    "pki",
    "soc",
    "noc",
    "main",
    "secondary",
    "second",
    "will",
    "be",
    "also",
    "by",
    "representing",
    "representative:",
    "delegate",
    "delegates",
    "non-voting",
    "for",
    "with",
    "of",
    "in",
    "on",
    "to",
    "or",
    "participants",
    "participant",
    "members",
    "member",
    "mobile",
    "telephone",
    "title",
    "role",
    "i",
    "we",
    "my",
    "they",
    "he",
    "she",
    "it",
    "this",
    "that",
    "its",
    "ceo",
    "cto",
    "ciso",
    "director",
}
_PARTICLES = {
    "van",
    "von",
    "de",
    "der",
    "den",
    "da",
    "di",
    "du",
    "la",
    "le",
    "del",
    "dos",
    "das",
    "bin",
    "al",
    "ten",
    "ter",
}


def emails_in(text: str) -> list[tuple[int, int, str]]:
    """Valid e-mail addresses (email-validator, no DNS) with their spans, lower-cased."""
    found = []
    for match in EMAIL.finditer(text):
        address = _valid_email(match.group(0).strip(".'"))
        if address:
            found.append((match.start(), match.end(), address))
    return found


@lru_cache(maxsize=4096)  # a message names the same few addresses many times over
def _valid_email(address: str) -> str | None:
    try:
        from email_validator import EmailNotValidError, validate_email

        return validate_email(address, check_deliverability=False, test_environment=True).normalized.lower()
    except EmailNotValidError:
        return None
    except MemoryError:
        raise
    except Exception:  # any failure of the validator means "not an address"
        return None


def phone_in(text: str) -> str | None:
    """The first telephone number: 7-15 digits, not a date, URL or e-mail part."""
    text = URL.sub(" ", EMAIL.sub(" ", text))
    text = re.sub(r"\b24\s*[x/*]\s*7\b|\b24\s*h(?:ours)?\b", " ", text, flags=re.I)
    for match in _PHONE.finditer(text):
        candidate = re.sub(r"\s*\(\s*$", "", match.group(0)).strip(" .-/")
        digits = re.sub(r"\D", "", re.split(r"(?:ext\.?|x)\s*\d", candidate)[0])
        if 7 <= len(digits) <= 15 and not re.fullmatch(
            r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}", candidate
        ):
            return candidate
    return None


def name_before(text: str, index: int) -> str | None:
    """The person's name written right before position index ('Jane Doe, jane@...', 'Jane Doe <jane@...',
    'Jane Doe (CTO, jane@...')."""
    before = text[:index]
    role = re.search(r"\(\s*([^()@,;]{1,40}),\s*$", before)  # "(CTO, " between the name and the address
    if role and not all(is_name_word(w) for w in role.group(1).split()):
        before = before[: role.start()]
    tokens = before.split()
    words: list[str] = []
    while tokens and re.fullmatch(r"[-–—:(<\[,|]+|at|via|e-?mail:?|mail:?|is|-", tokens[-1].strip(), re.I):
        tokens.pop()
    for position, raw in enumerate(reversed(tokens)):
        word = raw.strip("()<>[]\"'“”,;:|")
        if position and raw.rstrip()[-1:] in ",;:)|":
            break
        if not is_name_word(word):
            break
        words.insert(0, word)
        if len(words) == 4:
            break
    while words and words[0].lower() in _PARTICLES:
        words.pop(0)
    return " ".join(words) or None


def name_after(text: str, index: int) -> str | None:
    """'jane@... (Jane Doe)'."""
    match = re.match(r"\s*[(\[]\s*([^()\[\]@,;]{2,60})\s*[)\]]", text[index:])
    if not match:
        return None
    words = match.group(1).split()
    return match.group(1).strip() if words and all(is_name_word(w) for w in words) else None


def is_name_word(word: str) -> bool:
    if not word or word.lower() in _NAME_STOP:
        return False
    if word.lower() in _PARTICLES:
        return True
    core = word.rstrip(".")
    return (
        bool(core)
        and core[0].isupper()
        and all(c.isalpha() or c in "-'’." for c in core)
        and not core.isupper()
        or (len(core) <= 3 and core.isupper() and core.isalpha() and word.endswith("."))
    )


def sub_label_name(segment: str) -> str | None:
    match = re.search(r"\bname\s*:\s*([^\n,;:@]{2,60}?)(?=\s+\w+\s*:|[,;\n]|$)", segment, re.I)
    return match.group(1).strip() if match else None
