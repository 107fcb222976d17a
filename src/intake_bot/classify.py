"""Pure: what kind of message is this? Automatic mail is never answered (RFC 3834).

Most mail to questions@cabforum.org is not an application, so `application_verdict`
is conservative: it needs both an intent to join and stated application data.
"""

from __future__ import annotations

import re

from .reader.lexicon import LEXICON, in_known_language, or_words
from .reader.prefilter import guard
from .reader.prose import is_question
from .records import QUESTION_ABOUT_JOINING, Attachment, Classification, Disposition, Extraction, ParsedEmail

_BOUNCE_SENDER = re.compile(r"^(mailer-?daemon|post_?master|mail-?daemon|mail-?delivery)@", re.I)
_BOUNCE_FROM = re.compile(  # anywhere in the From header: also "MAILER-DAEMON <>" and broken forms
    r"\b(mailer-?daemon|post_?master@|mail delivery (subsystem|system|service)|mail administrator)", re.I
)
_NO_REPLY_SENDER = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|notifications?)([+.-][^@]*)?@", re.I
)
_SYSTEM_SENDER = re.compile(
    r"(mail|smtp|daemon|postmaster|gateway|antivirus|system|admin|mta|exchange)", re.I
)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery (status|failure|has failed|notification|problem)|mail delivery (failed|failure|system)|"
    r"returned mail|failure notice|delivery report|non[- ]?delivery|could not be delivered|"
    r"unzustellbar|nicht zustellbar|message not delivered|delivery failed|mail system error|"
    r"^(warning|delayed mail|delivery delay)",
    re.I,
)
_BOUNCE_BODY = re.compile(
    r"could not be delivered|was not delivered|undeliverable|delivery (to the following recipients? )?"
    r"(has )?failed|permanent (error|failure|fatal errors?)|user unknown|unknown user|no such user|"
    r"mailbox (unavailable|full|not found|is full)|recipient address rejected|"
    r"delivery attempts will continue|\b5\.\d{1,3}\.\d{1,3}\b|\b55[0-4][- ]",
    re.I,
)
_FEEDBACK_SUBJECT = re.compile(r"^(complaint about message from|abuse report|\[?fbl\]?\b)", re.I)
_AUTO_SUBJECT = re.compile(
    r"^(out of (the )?office|automatic reply|auto(matic)?[- ]?(reply|response)|autoreply|auto:|"
    r"abwesenheit|absence|vacation|away from|r[ée]ponse automatique|read:|lu :|gelesen:|"
    r"respuesta autom[aá]tica|risposta automatica)|"
    # "<words>: original subject", in the languages Exchange and Outlook write
    r"(automatic reply|auto[- ]?reply|automatische antwort|automatisch antwoord|automatiska atbilde|"
    r"automatyczna odpowied\w*|automatisk svar|autosvar|automaattinen vastaus|resposta autom[aá]tica|"
    r"otomatik yan[ıi]t|автоматический ответ|自動応答|自动回复|自動回覆)\s*:",
    re.I,
)
# Challenge-response systems answer mail with "prove you are a person" (Bluebottle, Boxbe, SpamArrest)
_CHALLENGE_HEADERS = ("x-bluebottle-request", "x-boxbe-vip", "x-spamarrest-noauth", "x-challenge-response")
_CHALLENGE_TEXT = guard(
    r"(added to|approve you for) (the recipient's |my |his |her )?(allowed|approved|white|safe)[- ]?(list|senders)|"
    r"verify (that )?you are (a )?(human|real person)|"
    r"to (have your|ensure) (address|e-?mail|message)s? .{0,40}deliver|"
    r"spam ?arrest|boxbe",
    re.I,
)
_SPAM_HEADERS = (("x-spam-flag", "yes"), ("x-spam-status", "yes"))
_SPAM_TEXT = guard(
    r"you have been selected|dear winner|gift card|claim (now|your)|lottery|viagra|crypto(currency)? investment|"
    r"unsubscribe from (this|our) (list|newsletter)|100% free|act now|limited time offer",
    re.I,
)
_INTENT = or_words(  # the English words, and the lexicon's in other languages
    "join",
    re.compile(
        r"\b(apply|applying|application|join|joining|membership|become (a |an )?(member|participant)|"
        r"participat\w*|interested party)\b",
        re.I,
    ),
)


def classify(parsed: ParsedEmail, own_addresses: frozenset[str] = frozenset()) -> Classification:
    """Automatic mail first (bounce, auto-reply, list, spam); otherwise 'could be an application'."""
    for rule in (_bounce, _auto_reply, _mailing_list, _spam):
        found = rule(parsed)
        if found:
            return found
    sender = parsed.from_address
    if not sender:
        return Classification(Disposition.NOT_APPLICATION, "no sender address to answer", True)
    if sender in own_addresses:
        return Classification(Disposition.AUTO_REPLY, "sent from our own address", True)
    if _NO_REPLY_SENDER.match(sender):
        return Classification(Disposition.AUTO_REPLY, f"no-reply sender {sender}", True)
    return Classification(Disposition.APPLICATION, "written by a person", False)


def application_verdict(parsed: ParsedEmail, extraction: Extraction) -> Classification:
    """An application, a possible one (for a person: mixed signals, or words the reader does not know),
    or none. Conservative: an application needs an intent to join and application data (a category
    alone is enough), and no sign that the writer is someone other than the applicant."""
    text = f"{parsed.subject}\n{parsed.text}"
    stated = extraction.stated()
    data = bool(extraction.category) or len(stated) >= 2 or bool(extraction.ipr_agreement)
    if not _INTENT.search(text):
        known = in_known_language(parsed.text)
        if not known and data and _FORUM.search(text) and (extraction.category or len(stated) >= 3):
            return _verdict(Disposition.POSSIBLE_APPLICATION, "application data in a language I do not read")
        return _verdict(Disposition.NOT_APPLICATION, "no membership application found")
    asks = _only_asks_about_joining(parsed.text if _INTENT.search(parsed.text) else parsed.subject)
    contact = extraction.emergency_contact
    if asks and not (extraction.representatives or contact and contact.email):  # (a phone: a signature's)
        return _verdict(Disposition.NOT_APPLICATION, QUESTION_ABOUT_JOINING)  # no applicant yet
    others = _not_the_applicant(parsed, parsed.text) if data else []
    if others and data:
        if _applies_in_first_person(text) or extraction.ipr_agreement:
            return _verdict(
                Disposition.POSSIBLE_APPLICATION, f"mixed signals: an application, and {others[0]}"
            )
        return _verdict(Disposition.NOT_APPLICATION, f"not from an applicant: {others[0]}")
    if data:
        return _verdict(Disposition.APPLICATION, "an intent to join, and application data")
    if stated and _FORUM.search(text) and _applies_in_first_person(text):
        return _verdict(
            Disposition.POSSIBLE_APPLICATION, "asks to join, but too little of an application to be sure"
        )
    return _verdict(Disposition.NOT_APPLICATION, "no membership application found")


def _verdict(disposition: Disposition, reason: str) -> Classification:
    return Classification(disposition, reason, False)


_FORUM = guard(
    r"CA\s*/\s*B(?:rowser)?\s*Forum|cabforum|\b(?:SMC|CSC|SC|NS)WG\b|S/MIME\s+Certificate\s+Working\s+Group|"
    r"Working\s+Group",
    re.I,
)
# The writer applies: "we/I (would like to) join/apply", "our application", in English and in the
# lexicon's words for joining after a first-person pronoun.
_FIRST_PERSON_JOIN = guard(
    r"\b(?:we|I)(?:\s+(?:would|wish|want|like|hereby|to|kindly|formally|also|now|therefore|herewith|hope|"
    r"intend|are|am|should))*\s+(?:apply|join|submit|request|become)\b|\bour\s+(?:membership\s+)?application\b|"
    r"\b(?:we|I)\s+(?:are|am)\s+(?:applying|writing\s+to\s+apply)",
    re.I,
)
# Mail that uses an application's words but whose writer is not applying: who is the subject of "join"?
_NOT_APPLYING = (
    (
        "an offer of services to applicants",
        guard(
            r"\b(?:help|helps|helping|assist|assists|support|supports|guide|guides)\s+(?:\w+\s+){0,3}?(?:certificate\s+"
            r"issuers|certificate\s+consumers|CAs|companies|organi[sz]ations|clients|customers|applicants|you)\b|"
            r"\b(?:we|I)\s+can\s+help\s+you\b|\bbook\s+a\s+(?:[\w-]+\s+)?(?:call|meeting|demo)|"
            r"\bfree\s+(?:consultation|assessment|quote)|\bour\s+(?:[\w\"-]+\s+){0,2}(?:package|offer|services?)\s+"
            r"(?:covers?|includes?)",
            re.I,
        ),
    ),
    (
        "a recruiter's or a job seeker's mail",
        guard(
            r"\brecruit(?:er|ing|ment)\b|\bsuccessful\s+candidates?|\bhiring\b|\bjob\s+(?:offer|opening|application)|"
            r"\bposition\s+advertised|\bmy\s+CV\b|\bcurriculum\s+vitae|\bcover\s+letter|\brole\s+summary|"
            r"\bcandidature\s+spontan",
            re.I,
        ),
    ),
    (
        "an invitation to an event",
        or_words(
            "invitation",
            re.compile(
                r"\bcall\s+for\s+(?:speakers|papers|proposals)|\bwebinar|\bregister\s+(?:now|here)\b", re.I
            ),
        ),
    ),
    (
        "an announcement about others",
        guard(r"\bcongratulations\s+to\b|\bpleased\s+to\s+announce|\bnewly\s+(?:licensed|accredited)", re.I),
    ),
    (
        "a request to sign in elsewhere (phishing?)",
        or_words(
            "credentials",
            re.compile(
                r"\b(?:enter|confirm|verify|type\s+in|provide|re-?enter|update)\s+your\s+(?:[\w-]+\s+){0,2}"
                r"(?:password|passcode|credentials|log-?in)|\blink\s+(?:expires|will\s+expire)",
                re.I,
            ),
        ),
    ),
)


# A vendor's or consultant's pitch in any language: who offers what to whom. Each kind of signal (lexicon
# data) is common alone (a consultancy applying as an Interested Party says what it does; a CA 'helps
# organisations sign their mail'); an offer of help together with a call to book or a wish to be
# recommended to others is a pitch.
_PITCH_KINDS = ("offering", "booking", "referral")
_PITCH = guard(  # run only on mail with one of their words (prefilter.py)
    "|".join(f"(?P<{kind}>{LEXICON.word_sources[kind]})" for kind in _PITCH_KINDS),
    literals=LEXICON.word_literals["offering"]
    | LEXICON.word_literals["booking"]
    | LEXICON.word_literals["referral"],
)


def _is_a_pitch(text: str) -> bool:
    kinds = {match.lastgroup for match in _PITCH.finditer(text[:20000])}
    return len(kinds) >= 2


def _not_the_applicant(parsed: ParsedEmail, text: str) -> list[str]:
    """What in the body says the writer is not the applicant (a vendor, a recruiter, a job seeker, an event,
    ...). Not the subject: a forged one is no evidence of who wrote the body."""
    found = [what for what, pattern in _NOT_APPLYING if pattern.search(text)]
    if not found and _is_a_pitch(text):
        found.append("an offer of services to applicants")
    if any(_DISGUISED.search(a.filename) for a in parsed.attachments):
        found.append("an attachment disguised as a document (phishing?)")
    if any(_is_calendar_event(a) for a in parsed.attachments):
        found.append("an invitation to an event (a calendar entry)")
    return found


def _is_calendar_event(attachment: Attachment) -> bool:
    """An iCalendar file (.ics) with an event: an invitation, which no applicant sends."""
    calendar = attachment.content_type in ("text/calendar", "application/ics") or bool(
        re.search(r"\.(?:ics|vcs)$", attachment.filename, re.I)
    )
    return calendar and b"BEGIN:VEVENT" in attachment.payload[:65536].upper()


_DISGUISED = re.compile(r"\.(?:pdf|docx?|xlsx?)\.(?:html?|exe|js|scr|lnk)$", re.I)


def _applies_in_first_person(text: str) -> bool:
    return bool(_FIRST_PERSON_JOIN.search(text))


_ASKING = or_words(
    "asking",
    re.compile(
        r"\b(?:questions?\b|enquiry|inquiry|I\s+would\s+like\s+to\s+(?:ask|know|enquire|inquire)|I\s+wonder|wondering|could\s+you\s+(?:tell|explain|"
        r"let\s+(?:me|us)\s+know)|how\s+(?:do|can|could|would|should|does)\s+(?:we|I|one|a|an|our)|what\s+(?:is|are|would\s+be)"
        r"\s+(?:the\s+)?(?:process|procedure|steps|requirements?|criteria|fees?|costs?)|what\s+the\s+(?:process|requirements?|"
        r"criteria|fees?|costs?)\s+(?:is|are)|(?:are|is)\s+(?:we|I|our\s+\w+)\s+eligible|whether\s+(?:we|I)\s+(?:can|could|may|qualify))",
        re.I,
    ),
)


def _only_asks_about_joining(text: str) -> bool:
    """Every sentence about joining asks how, whether or on what terms ('We would like to join as an
    Interested Party; how do we send the agreement?' applies, and asks something besides). The body's
    sentences are judged; the subject ('Joining the SMCWG') only when the body says nothing of joining."""
    about = [
        part for part in re.split(r"(?<=[.?!;؟])\s+|(?<=[。？！])|\n\s*\n", text) if _INTENT.search(part)
    ]
    return bool(about) and all(
        _ASKING.search(part) or _NOT_YET.search(part) or is_question(part) for part in about
    )


# An application still to come: "we are planning to apply next quarter", "before we apply".
_NOT_YET = guard(
    r"\b(?:plan|planning|intend|intending|prepar(?:e|ing)|consider(?:ing)?)\s+(?:to\s+)?(?:apply|join|applying|joining)\b|"
    r"\bbefore\s+(?:applying|joining|we\s+(?:apply|join|put|send|submit))\b",
    re.I,
)


def _bounce(p: ParsedEmail) -> Classification | None:
    report = p.content_type == "multipart/report" or "delivery-status" in p.header("content-type").lower()
    if report:
        return _auto(Disposition.BOUNCE, "delivery report (multipart/report)")
    if p.header("x-failed-recipients"):
        return _auto(Disposition.BOUNCE, "X-Failed-Recipients header")
    if _BOUNCE_SENDER.match(p.from_address) or _BOUNCE_FROM.search(p.header("from").split("\n")[0]):
        return _auto(Disposition.BOUNCE, f"sent by a mail system ({p.from_address or 'no address'})")
    if _FEEDBACK_SUBJECT.search(p.subject):
        return _auto(Disposition.BOUNCE, "abuse (feedback loop) report")
    if _BOUNCE_SUBJECT.search(p.subject):
        if _null_return_path(p):
            return _auto(Disposition.BOUNCE, "null Return-Path and a bounce subject")
        local = p.from_address.partition("@")[0]
        if _SYSTEM_SENDER.search(local) or _BOUNCE_BODY.search(p.text[:5000]):
            return _auto(Disposition.BOUNCE, "bounce subject from a mail system")
    return None


def _auto_reply(p: ParsedEmail) -> Classification | None:
    auto_submitted = p.header("auto-submitted").strip().lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return _auto(Disposition.AUTO_REPLY, f"Auto-Submitted: {auto_submitted[:40]}")
    for name in ("x-autoreply", "x-autorespond", "x-autoresponse", "x-auto-response-suppress"):
        if p.header(name):
            return _auto(Disposition.AUTO_REPLY, f"{name} header")
    if p.header("precedence").strip().lower() == "auto_reply":
        return _auto(Disposition.AUTO_REPLY, "Precedence: auto_reply")
    if "disposition-notification" in p.header("content-type").lower():
        return _auto(Disposition.AUTO_REPLY, "read receipt")
    if _AUTO_SUBJECT.search(p.subject):
        return _auto(Disposition.AUTO_REPLY, "auto-reply subject")
    for name in _CHALLENGE_HEADERS:
        if p.header(name):
            return _auto(Disposition.AUTO_REPLY, f"challenge-response ({name} header)")
    if _CHALLENGE_TEXT.search(p.text[:3000]) and not _INTENT.search(p.subject):
        return _auto(Disposition.AUTO_REPLY, "challenge-response request")
    if _null_return_path(p):
        return _auto(Disposition.AUTO_REPLY, "null Return-Path")
    return None


def _mailing_list(p: ParsedEmail) -> Classification | None:
    for name in ("list-id", "list-unsubscribe", "list-post", "mailing-list"):
        if p.header(name):
            return _auto(Disposition.MAILING_LIST, f"{name} header")
    precedence = p.header("precedence").strip().lower()
    if precedence in ("bulk", "list"):
        return _auto(Disposition.MAILING_LIST, f"Precedence: {precedence}")
    return None


def _spam(p: ParsedEmail) -> Classification | None:
    for name, value in _SPAM_HEADERS:
        if p.header(name).strip().lower().startswith(value):
            return _auto(Disposition.SPAM, f"{name} header")
    if p.header("precedence").strip().lower() == "junk":
        return _auto(Disposition.SPAM, "Precedence: junk")
    if _SPAM_TEXT.search(f"{p.subject}\n{p.text[:5000]}"):
        return _auto(Disposition.SPAM, "spam wording")
    return None


def _null_return_path(p: ParsedEmail) -> bool:
    return p.header("return-path").strip() in ("<>", "") and "return-path" in p.headers


def _auto(disposition: Disposition, reason: str) -> Classification:
    return Classification(disposition, reason, True)
