"""Rules for the public display name (the pseudonym other families see).

A display name must never reveal how to reach someone: an email address or a phone
number is refused outright. A name that looks like a real first and last name is allowed
after a gentle warning, because some people choose to use their name.
"""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DISPLAY_NAME_MIN_LENGTH = 2
DISPLAY_NAME_MAX_LENGTH = 30

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]{2,}|[^\s@]+\s*(?:@|\(at\)|\[at\])\s*[^\s@]+", re.I)
# Seven or more digits, allowing the separators people put in phone numbers.
_PHONE_DIGITS = re.compile(r"(?:\+?\d[\s().\-]*){7,}")
_ALLOWED = re.compile(r"^[\w .'\-]+$", re.UNICODE)
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'\-]*(?:['\-][^\W\d_]+)?$", re.UNICODE)

# Words that make a capitalised pair read as a pseudonym (or a staff title such as
# "Moderator Jo") rather than a real name.
_PSEUDONYM_WORDS = {
    "a",
    "abuela",
    "abuelo",
    "admin",
    "amiga",
    "amigo",
    "and",
    "aunt",
    "blue",
    "brave",
    "bro",
    "brother",
    "calm",
    "clinician",
    "coach",
    "coordinator",
    "counselor",
    "dad",
    "de",
    "del",
    "dr",
    "editor",
    "el",
    "esperanza",
    "esposa",
    "esposo",
    "facilitator",
    "family",
    "friend",
    "from",
    "gentle",
    "grandma",
    "grandpa",
    "green",
    "hermana",
    "hermano",
    "hope",
    "hopeful",
    "husband",
    "in",
    "kind",
    "la",
    "madre",
    "mama",
    "moderator",
    "mom",
    "moon",
    "mum",
    "nana",
    "nurse",
    "of",
    "padre",
    "papa",
    "parent",
    "parents",
    "partner",
    "peer",
    "quiet",
    "recovery",
    "reviewer",
    "river",
    "sis",
    "sister",
    "site",
    "sky",
    "spouse",
    "staff",
    "star",
    "steady",
    "strong",
    "sun",
    "sunny",
    "team",
    "the",
    "therapist",
    "tia",
    "tio",
    "uncle",
    "warrior",
    "wife",
    "y",
}


def normalise_display_name(value):
    """Collapse inner whitespace and apply Unicode NFKC, so compatibility forms (full-width
    letters, ligatures) become the ordinary letters they look like."""
    return " ".join(unicodedata.normalize("NFKC", value or "").split())


def display_name_key(value):
    """What uniqueness is decided on: the normalised name, case-folded in Python (SQLite's
    LOWER() folds ASCII only, so "JOSÉ" and "josé" would otherwise both be allowed)."""
    return normalise_display_name(value).casefold()


def _scripts(value):
    """The Unicode scripts of the letters in ``value`` (LATIN, GREEK, CYRILLIC, ...)."""
    scripts = set()
    for char in value:
        if char.isalpha():
            name = unicodedata.name(char, "")
            scripts.add(name.split(" ")[0] if name else "UNKNOWN")
    return scripts


# Words that would make a family member look like program staff to other families.
STAFF_TITLE_WORDS = {
    "admin",
    "administrator",
    "moderator",
    "mod",
    "staff",
    "coordinator",
    "facilitator",
    "counselor",
    "counsellor",
    "therapist",
    "clinician",
    "nurse",
    "dr",
    "doctor",
    "reviewer",
    "editor",
    "official",
    "team",
    "psychologist",
    "psychiatrist",
    # Spanish (the portal's second language), compared without accents.
    "moderador",
    "moderadora",
    "administrador",
    "administradora",
    "coordinador",
    "coordinadora",
    "facilitador",
    "facilitadora",
    "consejero",
    "consejera",
    "terapeuta",
    "psicologo",
    "psicologa",
    "psiquiatra",
    "enfermero",
    "enfermera",
    "medico",
    "medica",
    "doctora",
    "dra",
    "revisor",
    "revisora",
    "editora",
    "oficial",
    "equipo",
}


def _without_accents(word):
    return "".join(
        char for char in unicodedata.normalize("NFKD", word) if not unicodedata.combining(char)
    )


def uses_staff_title(value):
    words = re.findall(r"[^\W\d_]+", normalise_display_name(value).casefold())
    return any(_without_accents(word) in STAFF_TITLE_WORDS for word in words)


def contains_email(value):
    return bool(_EMAIL.search(value))


def contains_phone_number(value):
    if _PHONE_DIGITS.search(value):
        return True
    matcher = phonenumbers.PhoneNumberMatcher(value, "US", leniency=phonenumbers.Leniency.POSSIBLE)
    return matcher.has_next()


def looks_like_full_name(value):
    """True for two or three capitalised words that read like "Maria Lopez"."""
    words = value.split()
    if not 2 <= len(words) <= 3:
        return False
    for word in words:
        if not _NAME_WORD.match(word) or len(word) < 2:
            return False
        if not (word[0].isupper() and (len(word) == 1 or not word[1:].isupper())):
            return False
        if word.lower() in _PSEUDONYM_WORDS:
            return False
    return True


def validate_display_name(value):
    """Raise ValidationError when the name is not allowed. Returns the normalised name."""
    name = normalise_display_name(value)
    if len(name) < DISPLAY_NAME_MIN_LENGTH:
        raise ValidationError(
            _("Choose a display name of at least %(min)d characters."),
            code="too_short",
            params={"min": DISPLAY_NAME_MIN_LENGTH},
        )
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            _("Keep your display name to %(max)d characters or fewer."),
            code="too_long",
            params={"max": DISPLAY_NAME_MAX_LENGTH},
        )
    if contains_email(name):
        raise ValidationError(
            _(
                "A display name can't contain an email address. Other families see it, "
                "so choose a nickname instead."
            ),
            code="email",
        )
    if contains_phone_number(name):
        raise ValidationError(
            _(
                "A display name can't contain a phone number. Other families see it, "
                "so choose a nickname instead."
            ),
            code="phone",
        )
    if len(_scripts(name)) > 1:
        raise ValidationError(
            _("Use letters from one alphabet only, so your name can't be mistaken for another."),
            code="mixed_scripts",
        )
    if not _ALLOWED.match(name):
        raise ValidationError(
            _("Use letters, numbers, spaces and . ' - _ only."), code="characters"
        )
    return name
