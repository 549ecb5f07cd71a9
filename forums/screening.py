"""Screening of what families type, before anything is visible to anyone else.

:func:`screen` is a pure function: text and context in, a :class:`Verdict` out. No
database, no cache, no clock — the caller passes the watched words (edited by
moderators in admin) and whether the author is a new member. Live Q&A and peer rooms
both call it through ``forums.services``.

Tiers, strongest wins: **block** (refused, the author sees why) > **hold** (kept for a
moderator; the author sees "held for review") > **flag** (visible, and queued for a
moderator) > allow — except that crisis language outranks a block: such a message is
held as urgent, never refused.

Built-in detectors:

- **crisis language** (suicide, self-harm, overdose; English and Spanish; moderators add
  phrases as watched words with the *crisis* action) → hold, *urgent*: moderators are
  alerted and the author is shown the crisis resources at once;
- **identifying details** (phone numbers, email and street addresses, full names in the
  forms "my son John Smith" / "my name is Ana Ruiz") → hold with an explanation;
- **links** from members in their first week → hold.

Matching is on a normalised form (case-folded, accents and punctuation removed, common
digit-for-letter swaps undone), on whole words, so "K1ll  myself!" matches "kill myself"
and "skill" does not match "kill".
"""

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from django.utils.translation import gettext_lazy as _

ALLOW = "allow"
FLAG = "flag"
HOLD = "hold"
BLOCK = "block"
CRISIS = "crisis"  # a watched-word action: hold and mark urgent

_SEVERITY = {ALLOW: 0, FLAG: 1, HOLD: 2, BLOCK: 3}

# Finding kinds (stable: stored with held items and shown in the review queue).
KIND_WATCHED = "watched_word"
KIND_CRISIS = "crisis"
KIND_PHONE = "phone"
KIND_EMAIL = "email"
KIND_ADDRESS = "address"
KIND_FULL_NAME = "full_name"
KIND_LINK = "link"

CRISIS_EXPLANATION = _(
    "It sounds like things may be really hard right now. A moderator will read this "
    "soon. If you or someone else may be in danger, call or text 988 now, or call 911."
)
IDENTIFYING_EXPLANATION = _(
    "To protect your family's privacy, posts with phone numbers, email or street "
    "addresses, or full names wait for a moderator to check them first."
)
LINK_EXPLANATION = _(
    "Links from members in their first week wait for a moderator to check them first."
)
WATCHED_EXPLANATIONS = {
    BLOCK: _("This can't be posted here because it contains words this community has ruled out."),
    HOLD: _("This will be visible once a moderator has checked it."),
    FLAG: _("This is visible, and a moderator will take a look."),
    CRISIS: CRISIS_EXPLANATION,
}

# Built-in crisis phrases (normalised form). Moderators add more as watched words.
CRISIS_PHRASES = (
    # English
    "kill myself",
    "killing myself",
    "kill himself",
    "kill herself",
    "kill themself",
    "kill themselves",
    "end my life",
    "ending my life",
    "end his life",
    "end her life",
    "take my own life",
    "take my life",
    "want to die",
    "wanna die",
    "wish i was dead",
    "wish i were dead",
    "better off dead",
    "better off without me",
    "no reason to live",
    "dont want to live",
    "do not want to live",
    "dont want to be alive",
    "suicide",
    "suicidal",
    "self harm",
    "self harming",
    "hurt myself",
    "hurting myself",
    "cut myself",
    "cutting myself",
    "overdose",
    "overdosed",
    "overdosing",
    "took too many pills",
    "not breathing",
    "end it all",
    # Spanish (accents removed by normalisation)
    "suicidio",
    "suicida",
    "suicidarme",
    "suicidarse",
    "matarme",
    "quitarme la vida",
    "quitarse la vida",
    "no quiero vivir",
    "quiero morir",
    "quiero morirme",
    "hacerme dano",
    "cortarme",
    "sobredosis",
)

_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_NON_WORD = re.compile(r"[^\w]+")
_APOSTROPHES = re.compile(r"['’`´]")


def normalise(text):
    """Case-folded, accent-free words separated by single spaces, padded with spaces."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or "").casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    return f" {' '.join(text.split())} "


def _variants(text):
    plain = normalise(text)
    leet = normalise((text or "").casefold().translate(_LEET))
    return (plain,) if leet == plain else (plain, leet)


def contains_phrase(variants, phrase):
    needle = normalise(phrase)
    if needle.strip() == "":
        return False
    return any(needle in variant for variant in variants)


@dataclass(frozen=True)
class WatchedTerm:
    """A moderator-maintained word or phrase and what to do when it appears."""

    phrase: str
    action: str  # BLOCK, HOLD, FLAG or CRISIS
    explanation: str = ""


@dataclass(frozen=True)
class Finding:
    kind: str
    action: str
    explanation: str


@dataclass(frozen=True)
class Verdict:
    action: str
    findings: tuple = ()

    @property
    def crisis(self):
        """Crisis language: alert moderators now and show the author the resources."""
        return any(finding.kind == KIND_CRISIS for finding in self.findings)

    urgent = crisis

    @property
    def kinds(self):
        return tuple(dict.fromkeys(finding.kind for finding in self.findings))

    @property
    def explanation(self):
        """What to tell the author: the reason behind the deciding tier (crisis first)."""
        for finding in self.findings:
            if finding.kind == KIND_CRISIS:
                return str(finding.explanation)
        for finding in self.findings:
            if finding.action == self.action:
                return str(finding.explanation)
        return ""

    @property
    def visible(self):
        return self.action in (ALLOW, FLAG)


# --- identifying details --------------------------------------------------------------
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(r"(?<![\w])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?![\w])")
_STREET_SUFFIX = (
    r"street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|"
    r"place|pl|terrace|ter|circle|cir|highway|hwy|parkway|pkwy|square|sq|trail|trl"
)
_STOP = r"(?!(?:the|a|an|to|of|my|our|his|her|their|and|or|down|up|on|in|at|by|for|from)\b)"
_ADDRESS = re.compile(
    rf"\b\d{{1,6}}[a-z]?\s+(?:{_STOP}[a-z0-9'.-]+\s+){{1,3}}(?:{_STREET_SUFFIX})\b\.?"
    r"|\b(?:calle|avenida|av\.)\s+[a-z0-9áéíóúñ'.-]+(?:\s+[a-z0-9áéíóúñ'.-]+)?\s+(?:no\.?\s*)?\d{1,6}\b"
    r"|\bp\.?\s?o\.?\s+box\s+\d+\b"
    r"|\b(?:apt|apartment|unit|suite)\s*#?\s*\d+[a-z]?\b",
    re.IGNORECASE,
)
_RELATION = (
    r"son|daughter|husband|wife|partner|brother|sister|mom|mother|dad|father|child|kid|"
    r"boyfriend|girlfriend|fiance|fiancee|fiancé|fiancée|spouse|grandson|granddaughter|"
    r"nephew|niece|cousin|uncle|aunt|stepson|stepdaughter|hijo|hija|esposo|esposa|"
    r"hermano|hermana|madre|padre|novio|novia"
)
_NAME = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñ'’-]+"
_FULL_NAME = re.compile(
    rf"(?i:\b(?:my|our|his|her|their|mi|mis|su)\s+(?:{_RELATION})(?:'s)?\s*,?\s+"
    rf"(?:is\s+|named\s+|called\s+|se\s+llama\s+)?)({_NAME})\s+({_NAME})\b"
    rf"|(?i:\b(?:my\s+name\s+is|i\s+am|i'm|im|me\s+llamo|mi\s+nombre\s+es)\s+)({_NAME})\s+({_NAME})\b"
)
# Capitalised words that follow a first name without being a surname.
_NOT_SURNAMES = frozenset(
    "i im and but or so is was has had will would can could does did the a an he she "
    "they we it this that who which when where why how just also still really very "
    "today tomorrow yesterday monday tuesday wednesday thursday friday saturday sunday "
    "and y pero es".split()
)

_LINK = re.compile(
    r"\bhttps?://\S+|\bwww\.\S+"
    r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|co|us|info|biz|me|ly|gov|edu|app|xyz|link)\b(?:/\S*)?",
    re.IGNORECASE,
)


def _has_phone(text):
    if _PHONE.search(text):
        return True
    # International numbers in any common format ("+44 20 7946 0958").
    for match in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.VALID):
        if len(re.sub(r"\D", "", match.raw_string)) >= 10:
            return True
    return False


def _has_full_name(text):
    for match in _FULL_NAME.finditer(text):
        first, last = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        )
        if (
            first
            and last
            and last.casefold() not in _NOT_SURNAMES
            and first.casefold() not in _NOT_SURNAMES
        ):
            return True
    return False


def identifying_details(text):
    """The kinds of identifying detail found in ``text`` (phone, email, address, name)."""
    found = []
    text = text or ""
    if _EMAIL.search(text):
        found.append(KIND_EMAIL)
    if _has_phone(_EMAIL.sub(" ", text)):
        found.append(KIND_PHONE)
    if _ADDRESS.search(text):
        found.append(KIND_ADDRESS)
    if _has_full_name(text):
        found.append(KIND_FULL_NAME)
    return found


def has_link(text):
    return bool(_LINK.search(_EMAIL.sub(" ", text or "")))


def screen(
    text, *, watched=(), new_member=False, crisis_phrases=CRISIS_PHRASES, check_identifying=True
):
    """Screen ``text``; return the :class:`Verdict` (action and every finding).

    ``watched``: :class:`WatchedTerm` items; ``new_member``: the author joined less than
    a week ago (links are held). Pure: same input, same verdict.
    """
    variants = _variants(text)
    findings = []
    for term in watched:
        if contains_phrase(variants, term.phrase):
            if term.action == CRISIS:
                findings.append(Finding(KIND_CRISIS, HOLD, term.explanation or CRISIS_EXPLANATION))
            else:
                findings.append(
                    Finding(
                        KIND_WATCHED,
                        term.action,
                        term.explanation or WATCHED_EXPLANATIONS[term.action],
                    )
                )
    if not any(finding.kind == KIND_CRISIS for finding in findings):
        if any(contains_phrase(variants, phrase) for phrase in crisis_phrases):
            findings.append(Finding(KIND_CRISIS, HOLD, CRISIS_EXPLANATION))
    if check_identifying:
        for kind in identifying_details(text):
            findings.append(Finding(kind, HOLD, IDENTIFYING_EXPLANATION))
    if new_member and has_link(text):
        findings.append(Finding(KIND_LINK, HOLD, LINK_EXPLANATION))
    action = ALLOW
    for finding in findings:
        if _SEVERITY[finding.action] > _SEVERITY[action]:
            action = finding.action
    if action == BLOCK and any(finding.kind == KIND_CRISIS for finding in findings):
        # Crisis language outranks a blocked word: refusing the message would turn away
        # someone in crisis. It is held, urgent, for a moderator; the author sees the
        # crisis resources (the explanation puts crisis first).
        action = HOLD
    return Verdict(action, tuple(findings))
