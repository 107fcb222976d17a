"""Representatives: each address in a representatives statement or sentence, and which one votes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from ..records import ParsedEmail, Representative
from .contacts import emails_in, is_name_word, name_after, name_before, sub_label_name
from .emergency import emergency_mention
from .lexicon import or_words
from .names import is_job_title
from .prose import Sentence, before_a_name
from .statements import Statement, of

# The English words, and the lexicon's in other languages.
_VOTING = or_words(
    "voting", re.compile(r"\bvoting\b|\bvote\b|\bvoter\b|stimmberechtigt|\bvotant|droit de vote", re.I)
)
_NON_VOTING = or_words(
    "non_voting",
    re.compile(r"non[-\s]?voting|not\s+(?:a\s+)?voting|no\s+vote|without\s+vote|alternate|other", re.I),
)
_REP_PROSE = or_words(
    "representative",
    re.compile(
        r"representative|delegate|\brepresent\b|\brepresented\s+by\b|\bwill\s+(?:also\s+)?(?:participate|attend)|point of contact|"
        r"contact person|primary contact",
        re.I,
    ),
)


def says_voting(text: str) -> bool | None:
    """True: the words say 'voting'; False: 'non-voting' or 'alternate'; None: neither."""
    if _NON_VOTING.search(text):
        return False
    return True if _VOTING.search(text) else None


def extract_representatives(
    statements: list[Statement], sentences: list[Sentence]
) -> tuple[Representative, ...]:
    found: list[tuple[int, list[Representative]]] = []
    for s in of(statements, "representatives"):
        found.append((s.pos, representatives_in(s.value, label=s.label)))
    for sentence in sentences:
        text = _before_emergency(sentence.text)
        if _REP_PROSE.search(text):
            found.append((sentence.pos, representatives_in(text, label="")))
    reps = _merge_representatives([rep for _, reps in sorted(found, key=lambda x: x[0]) for rep in reps])
    return _voting_by_name(
        reps, [s.value for s in of(statements, "representatives")] + [s.text for s in sentences]
    )


def _voting_by_name(reps: tuple[Representative, ...], texts: list[str]) -> tuple[Representative, ...]:
    """'Jane Doe will be our voting representative' without her address: the named representative votes."""
    voter = None
    for text in _votes_without_address(texts):
        named = [r.email for r in reps if r.name and re.search(rf"\b{re.escape(r.name)}\b", text)]
        named = named or _by_first_name(reps, text)
        if len(named) == 1:
            voter = named[0]
    if voter is None:
        return reps
    return tuple(replace(rep, voting=rep.email == voter) for rep in reps)


def named_by_sender(reps: tuple[Representative, ...], parsed: ParsedEmail) -> tuple[Representative, ...]:
    """A representative given by address alone who is the sender: the name the sender's mail gives."""
    words = parsed.from_name.split()
    name = parsed.from_name.strip() if 2 <= len(words) <= 4 and all(map(is_name_word, words)) else None
    sender = parsed.from_address.lower()
    return tuple(
        replace(rep, name=name) if rep.name is None and name and rep.email == sender else rep for rep in reps
    )


# The sender speaking of themself as a representative (other languages: the lexicon's "myself" words).
_MYSELF = or_words(
    "myself",
    re.compile(
        r"\bmyself\b|\bI\s+(?:will|shall|'ll|am\s+going\s+to)\s+(?:also\s+)?(?:be|act\s+as|serve\s+as)\s+"
        r"(?:the|our|a|an)\s+(?:[\w-]+\s+){0,2}(?:representative|delegate)|\bI\s+am\s+(?:the|our)\s+"
        r"(?:[\w-]+\s+){0,2}(?:representative|delegate)|\bI\s+will\s+represent\b",
        re.I,
    ),
)
_PARTS = re.compile(r"[,;]|\s+(?:and|&|as\s+well\s+as|plus)\s+", re.I)
# 'I will not be a representative myself', 'Ich selbst bin kein Vertreter': the sender says they are not one.
_DENIES = or_words("negation", re.compile(r"\bnot\b|n't\b|\bnever\b", re.I))
# An aside in brackets: 'I (Ann Lee) will be ...', '私（李）が務めます' say what they say without it.
_ASIDE = re.compile(r"\s?[(（][^()（）\n]{0,60}[)）]")


def sender_as_representative(
    reps: tuple[Representative, ...],
    statements: list[Statement],
    sentences: list[Sentence],
    parsed: ParsedEmail,
) -> tuple[Representative, ...]:
    """'Voting representative: myself', 'I will be the voting representative': the sender, by the
    address the mail comes from. Only where the sender says so: a coordinator writing for others
    names them, not themself."""
    sender = parsed.from_address.lower()
    if not sender:
        return reps
    # (a label with no value may be a whole sentence: '議決権を持つ代表者は私が務めます。', values below it)
    said = [(s.value or s.label, _label_votes(s.label)) for s in of(statements, "representatives")]
    said += [(s.text, False) for s in sentences if _REP_PROSE.search(s.text) or _VOTING.search(s.text)]
    voting = None
    for text, label_votes in said:
        for clause in re.split(r"[\n.!?]\s", text):
            for part in _PARTS.split(clause):
                if _MYSELF.search(_ASIDE.sub("", part)) and not emails_in(part) and not _DENIES.search(part):
                    vote = bool(_VOTING.search(part)) and not _NON_VOTING.search(part)
                    # "For the vote, I'll take it": the label's or the clause's vote, when it names nobody else
                    votes_here = label_votes or _label_votes(clause)
                    voting = bool(voting) or vote or (votes_here and not emails_in(clause))
    if voting is None:
        return reps
    known = next((rep for rep in reps if rep.email == sender), None)
    me = Representative(
        name=known.name if known and known.name else _sender_name(parsed),
        email=sender,
        voting=voting or bool(known and known.voting),
    )
    others = [replace(rep, voting=rep.voting and not voting) for rep in reps]
    if known is None:
        return (*others, me)
    return tuple(me if rep.email == sender else rep for rep in others)


def _label_votes(label: str) -> bool:
    return bool(_VOTING.search(label)) and not _NON_VOTING.search(label)


def _sender_name(parsed: ParsedEmail) -> str | None:
    words = parsed.from_name.split()
    return parsed.from_name.strip() if 2 <= len(words) <= 4 and all(map(is_name_word, words)) else None


def _votes_without_address(texts: list[str]) -> Iterator[str]:
    """Clauses that say who votes by name only ('John Smith will be our voting representative')."""
    for text in (part for whole in texts for part in re.split(r"[;\n]", whole)):
        if _VOTING.search(text) and not _NON_VOTING.search(text) and not emails_in(text):
            yield text


_PERSON = re.compile(r"\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}\b")


def voter_named(texts: list[str], reps: tuple[Representative, ...]) -> str | None:
    """'John Smith is our voting representative' with no address, when this message's own representatives
    (if any) name no voter: the name, for a representative an earlier message gave (fields.vote_by_name)."""
    if any(rep.voting for rep in reps):
        return None
    for text in _votes_without_address(texts):
        names = [m.group(0) for m in _PERSON.finditer(text) if all(map(is_name_word, m.group(0).split()))]
        names.sort(key=lambda name: len(name.split()) < 2)  # a full name before a lone capitalised word
        if names:
            return names[0]
    return None


def _by_first_name(reps: tuple[Representative, ...], text: str) -> list[str]:
    """'John will be the voting representative': the one representative of that first name."""
    by_first: dict[str, list[str]] = {}
    for rep in reps:
        if rep.name:
            by_first.setdefault(rep.name.split()[0], []).append(rep.email)
    return [
        emails[0]
        for first, emails in by_first.items()
        if len(emails) == 1 and re.search(rf"\b{re.escape(first)}\b", text)
    ]


def _before_emergency(text: str) -> str:
    """The part of a sentence before it turns to the emergency contact (when representatives came first)."""
    match = emergency_mention(text)
    return text[: match.start()] if match and emails_in(text[: match.start()]) else text


def representatives_in(value: str, label: str = "") -> list[Representative]:
    """Each e-mail address in the value is a representative; 'voting' next to it (or in the label) marks the vote."""
    label = re.sub(r"\((?!\s*voting\s*\))[^)]*\)", " ", label)  # hints in brackets, but "(voting)" itself
    label_votes = bool(_VOTING.search(label)) and not re.search(
        r"non|identify|indicat|which|mark|alternate|other|backup|deputy", label, re.I
    )
    reps = []
    for segment in _segments(value):
        for start, end, address in emails_in(segment):
            name = _name_before_title(segment, start) or name_after(segment, end) or sub_label_name(segment)
            # the vote is the address's own clause's: 'I will not vote; the voting one is Ann (ann@x)'
            clause = segment[_clause_start(segment, start) :]
            voting = bool(_VOTING.search(clause)) and not _NON_VOTING.search(clause)
            reps.append(Representative(name=name, email=address, voting=voting))
    if label_votes and reps and not any(r.voting for r in reps):
        reps[0] = replace(reps[0], voting=True)
    return reps


_CLAUSE_END = re.compile(r"(?<=\w\w)[;.!?。；]\s")


def _clause_start(text: str, index: int) -> int:
    """Where the clause holding text[index] begins (after the last ';' or sentence end before it; 'Dr.' ends none)."""
    start = 0
    for end in _CLAUSE_END.finditer(text, 0, index):
        if not (end.group(0)[0] == "." and before_a_name(text, end.start())):
            start = end.end()
    return start


def _name_before_title(segment: str, start: int) -> str | None:
    """'Ann Lee, Chair of the Board (ann@x)': the name before the job title, not the title's last words."""
    before = segment[:start]
    title = re.search(r",\s*([^,()<>\[\]@]{2,80}?)\s*[-–—:(<\[]*\s*$", before)
    if title and is_job_title(title.group(1)):
        name = name_before(before[: title.start()], title.start())
        if name:
            return name
    return name_before(segment, start)


def _segments(value: str) -> list[str]:
    """Pieces holding one address each: split at list separators, then between addresses."""
    pieces = re.split(r"\n|;|\s+and\s+|\s+&\s+|\s+\|\s+", value)
    merged: list[str] = []
    carry = ""
    for piece in pieces:
        text = f"{carry} {piece}".strip() if carry else piece
        if emails_in(piece):  # not in `text`: the carry has none, and reading it again was quadratic
            merged.append(text)
            carry = ""
        elif merged and not carry and _marks_the_vote(piece):
            merged[-1] += " " + piece  # "... jane@x.com\n  (voting)", a table's "| stemgerechtigd |"
        elif _MYSELF.search(piece):
            carry = ""  # 'I will not vote myself; the voting one is Ann (ann@x)': about the sender, not Ann
        else:
            carry = text
    return [segment for text in merged for segment in _split_between_addresses(text)]


def _marks_the_vote(piece: str) -> bool:
    """A piece that only says whether the one before votes: '(voting)', 'non-voting', a table cell
    'stemgerechtigd' or 'zastępca', in any language the lexicon knows."""
    words = piece.strip(" \t-–()[].|").split()
    return (
        0 < len(words) <= 3 and ":" not in piece and bool(_VOTING.search(piece) or _NON_VOTING.search(piece))
    )


def _split_between_addresses(text: str) -> list[str]:
    found = emails_in(text)
    if len(found) < 2:
        return [text]
    cuts = [0]
    for (_, end, _), (start, _, _) in zip(found, found[1:], strict=False):
        clause = _VOTE_CLAUSE.match(text, end, start)
        if clause:  # "jane@x) will be the voting representative, with John (john@x) ...": hers
            cuts.append(clause.end())
            continue
        between = text[end:start]
        if re.match(r"[)>\]]?\s*,", between) and between.count(",") >= 2:
            # "ana@x>, Director, who will vote, and Tiago <t@x>": the clauses set off by commas after
            # an address are about its person, in any language; the next person starts after the last.
            cuts.append(end + between.rindex(","))
            continue
        tail = _AFTER_ADDRESS.match(text, end, start)
        cuts.append(tail.end() if tail else end)
    cuts.append(len(text))
    return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


# Right after an address, about its person: a bracket ('(stemgerechtigd)', '(CTO)') or words about the vote
# ('- con derecho a voto -', 'voting', 'primary'), in any language the lexicon reads.
_AFTER_ADDRESS = re.compile(
    rf"[)>\]]?\s*(?:[-–—,]?\s*(?:\([^()@]{{0,80}}\)|(?:{_VOTING.pattern}|{_NON_VOTING.pattern}|(?i:primary))"
    rf"(?:\s+(?:{_REP_PROSE.pattern}))?(?:\s*[-–—])?))?"
)
# Between two addresses: words about the vote, then a clause boundary, say who the vote is for (the first).
_VOTE_CLAUSE = re.compile(
    r"[)>\]]?[^,;@]*?\b(?:voting|vote)\b[^,;@]*?(?=,|;|\s+(?:while|whereas|with|alongside|plus)\s)", re.I
)


def _merge_representatives(reps: list[Representative]) -> tuple[Representative, ...]:
    """One entry per address (first name seen kept); the last one marked voting is the voting one."""
    by_email: dict[str, Representative] = {}
    voter = None
    for rep in reps:
        known = by_email.get(rep.email)
        by_email[rep.email] = Representative(
            name=(known.name if known and known.name else rep.name), email=rep.email
        )
        if rep.voting:
            voter = rep.email
    return tuple(replace(rep, voting=rep.email == voter) for rep in by_email.values())
