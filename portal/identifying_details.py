"""One detector for details that identify or reach a person: email addresses, phone
numbers, street addresses and full names.

Display names (``portal.display_names``) and what families post in rooms and Q&A
(``forums.screening``) both ask :func:`identifying_details`, so a name and a message can
never disagree on what an email address or a phone number is. The text is read after
:func:`portal.text_normalisation.strip_invisible` and NFKC, so a number split by
zero-width characters or written in full-width digits is still a number.
"""

import re
import unicodedata

import phonenumbers

from portal.pattern_prefilter import Prefilter
from portal.text_normalisation import strip_invisible

EMAIL = "email"
PHONE = "phone"
ADDRESS = "address"
FULL_NAME = "full_name"

_EMAIL = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    # Written out to dodge filters: "maria at gmail dot com", "maria (at) gmail".
    r"|[\w.+-]+\s*(?:\(at\)|\[at\]|\{at\})\s*[\w-]+"
    r"|\b[\w.+-]+\s+(?:at|arroba)\s+[\w-]+\s+(?:dot|punto)\s+(?:com|org|net|edu|gov|es|mx|us)\b",
    re.IGNORECASE | re.UNICODE,
)
_PHONE = re.compile(
    r"(?<![\w])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?![\w])"
    # A local number with its usual dash or dot ("555-0199").
    r"|(?<![\w.-])\d{3}[.-]\d{4}(?![\w]|[.-]\d)"
)
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


def prepared(text):
    """The text the detector reads: invisible characters gone, NFKC applied."""
    return unicodedata.normalize("NFKC", strip_invisible(text or ""))


def _has_email(text):
    return bool(_EMAIL.search(text))


# Seven digits close together: fewer, and there is no number to parse.
_SEVEN_DIGITS = re.compile(r"\d(?:\D{0,3}\d){6}")


def _has_phone(text):
    text = _EMAIL.sub(" ", text)
    if _PHONE.search(text):
        return True
    if not _SEVEN_DIGITS.search(text):
        return False
    # International numbers in any common format ("+44 20 7946 0958").
    for match in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.VALID):
        if len(re.sub(r"\D", "", match.raw_string)) >= 10:
            return True
    # Ten or more digits in one run of phone separators ("555 123 4567", "5551234567").
    return any(
        len(re.sub(r"\D", "", run)) >= 10 for run in re.findall(r"\+?\d[\d\s().\-]{8,}\d", text)
    )


def _has_address(text):
    return bool(_ADDRESS.search(text))


def _has_full_name(text):
    for match in _FULL_NAME.finditer(text):
        first, last = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        )
        if first.casefold() not in _NOT_SURNAMES and last.casefold() not in _NOT_SURNAMES:
            return True
    return False


_DETECTORS = (
    (EMAIL, _has_email),
    (PHONE, _has_phone),
    (ADDRESS, _has_address),
    (FULL_NAME, _has_full_name),
)


def contains_email(text):
    return _has_email(prepared(text))


def contains_phone_number(text):
    return _has_phone(prepared(text))


def contains_street_address(text):
    return _has_address(prepared(text))


def contains_full_name(text):
    return _has_full_name(prepared(text))


# Which detectors can find anything, in one pass (RE2; the detectors confirm). An email
# address is removed before phone numbers are looked for, so where one may be present
# the phone detector always runs.
_PREFILTER = Prefilter(
    [
        f"(?i){_EMAIL.pattern}",
        f"{_PHONE.pattern}|{_SEVEN_DIGITS.pattern}",
        f"(?i){_ADDRESS.pattern}",
        _FULL_NAME.pattern,
    ]
)


def identifying_details(text):
    """The kinds of identifying detail in ``text``: ``email``, ``phone``, ``address``,
    ``full_name`` (in that order, each at most once)."""
    text = prepared(text)
    possible = _PREFILTER.possible(text)
    if 0 in possible:
        possible |= {1}
    return [
        kind
        for number, (kind, detector) in enumerate(_DETECTORS)
        if number in possible and detector(text)
    ]
