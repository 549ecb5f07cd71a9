"""Rules for the public display name (the pseudonym other families see).

A display name must never reveal how to reach someone: an email address or a phone
number is refused outright (the same detector that screens messages,
:mod:`portal.identifying_details`). A name that looks like a real first and last name is
allowed after a gentle warning, because some people choose to use their name.

Names are compared by their *skeleton* (:func:`name_skeleton`): look-alike letters from
other scripts, digits for letters ("M0derator", "Hopefu1"), "l" for "i" ("Admln"),
spacing, case and punctuation all fold away, so a name can neither pose as staff nor
as another member. A name that shows as nothing (whitespace, invisible characters) is
refused, and so is one with crisis language: the person is shown crisis resources and
moderators are alerted (the crisis detector is registered by the forums app, which owns
screening; the core imports no feature app).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.identifying_details import contains_email, contains_phone_number
from portal.text_normalisation import skeleton, strip_invisible

DISPLAY_NAME_MIN_LENGTH = 2
DISPLAY_NAME_MAX_LENGTH = 30

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
    """Invisible characters removed, NFKC applied (full-width letters and ligatures become
    the ordinary letters they look like), inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", strip_invisible(value or "")).split())


# Digits, symbols and letter pairs that pass for letters in a name, folded to one form:
# "l", "1", "|" and "!" all read as "i" ("Admln", "Hopefu1", "HopefuI").
_NAME_FOLD = str.maketrans(
    {"0": "o", "1": "i", "l": "i", "|": "i", "!": "i", "3": "e", "4": "a", "5": "s",
     "7": "t", "8": "b", "@": "a", "$": "s"}
)  # fmt: skip
_NAME_PAIRS = (("rn", "m"), ("vv", "w"))


def _fold(text):
    text = skeleton(text).translate(_NAME_FOLD)
    for pair, letter in _NAME_PAIRS:
        text = text.replace(pair, letter)
    return text


def name_skeleton(value):
    """What two names are compared on: letters and digits only, look-alikes folded, so
    "Hopeful Mom", "Hopefu1 Mom", "HopefuI Mom" and "hopeful mom." are one name."""
    return re.sub(r"[\W_]+", "", _fold(normalise_display_name(value)))


def display_name_key(value):
    """What uniqueness is decided on (stored, with a unique constraint): the skeleton."""
    return name_skeleton(value)


def _scripts(value):
    """The Unicode scripts of the letters in ``value`` (LATIN, GREEK, CYRILLIC, ...)."""
    scripts = set()
    for char in value:
        if char.isalpha():
            name = unicodedata.name(char, "")
            scripts.add(name.split(" ")[0] if name else "UNKNOWN")
    return scripts


# Words that would make a family member look like program staff to other families.
# Long titles are refused anywhere in a name ("ModeratorSam"); short ones ("mod", "dr",
# "team") only as a word of their own, so "Andrew" and "Steamboat" stay allowed.
STAFF_TITLES_ANYWHERE = (
    "moderator", "moderador", "admin", "administrator", "administrador", "staff",
    "coordinator", "coordinador", "facilitator", "facilitador", "counselor", "counsellor",
    "consejer", "therapist", "terapeuta", "clinician", "clinico", "clinica", "doctor",
    "psychologist", "psicolog", "psychiatrist", "psiquiatra", "nurse", "enfermer",
    "reviewer", "revisor", "official", "soporte", "support team",
)  # fmt: skip
STAFF_TITLE_WORDS = frozenset(
    "mod mods dr dra team editor editora equipo medico medica oficial".split()
)
_TITLES_ANYWHERE = tuple(name_skeleton(title) for title in STAFF_TITLES_ANYWHERE)
_TITLE_WORDS = frozenset(name_skeleton(word) for word in STAFF_TITLE_WORDS)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def uses_staff_title(value):
    """True when the name reads as a staff title in any spacing, case, digits for letters
    or look-alike script ("M0derator Sam", "ModeratorSam", "Site Admln", "Dra Flores")."""
    name = normalise_display_name(value)
    squashed = name_skeleton(name)
    if any(title in squashed for title in _TITLES_ANYWHERE):
        return True
    words = re.split(r"[\W_]+", _CAMEL.sub(" ", name))
    return any(name_skeleton(word) in _TITLE_WORDS for word in words if word)


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


# The crisis detector for names, registered by the app that owns screening (forums).
_crisis_detectors = []


def register_crisis_detector(detector):
    """``detector(text) -> bool``: True when ``text`` has crisis language."""
    if detector not in _crisis_detectors:
        _crisis_detectors.append(detector)


def has_crisis_language(value):
    return any(detector(value) for detector in _crisis_detectors)


CRISIS_NAME_MESSAGE = _(
    "This name can't be used, and we want to check you are safe. It sounds like things may "
    "be really hard right now: a moderator has been told. If you or someone else may be "
    "in danger, call or text 988 now, or call 911."
)


def validate_display_name(value):
    """Raise ValidationError when the name is not allowed. Returns the normalised name.

    Crisis language is refused with code ``crisis``: the caller shows the crisis
    resources and alerts the moderators (``portal.services.report_crisis_in_name``).
    """
    name = normalise_display_name(value)
    if not name and (value or "").strip():
        raise ValidationError(
            _("Choose a display name people can see: invisible characters don't count."),
            code="blank",
        )
    if has_crisis_language(name):
        raise ValidationError(CRISIS_NAME_MESSAGE, code="crisis")
    if len(name) < DISPLAY_NAME_MIN_LENGTH or len(name_skeleton(name)) < DISPLAY_NAME_MIN_LENGTH:
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
