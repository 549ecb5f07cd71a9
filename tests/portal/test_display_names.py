"""The display-name rules, as a table: what is refused, what is warned about."""

import pytest
from django.core.exceptions import ValidationError

from portal.display_names import looks_like_full_name, validate_display_name

REFUSED = [
    ("", "too_short"),
    ("a", "too_short"),
    ("   ", "too_short"),
    ("x" * 31, "too_long"),
    ("maria@example.com", "email"),
    ("Mom maria@example.com", "email"),
    ("maria.lopez@gmail.co", "email"),
    ("maria (at) gmail", "email"),
    ("call 555-123-4567", "phone"),
    ("5551234567", "phone"),
    ("(555) 123 4567", "phone"),
    ("+1 555 123 4567", "phone"),
    ("Dad 555.123.4567", "phone"),
    ("<script>", "characters"),
    ("Mom & Dad", "characters"),
    ("Hope!", "characters"),
]

ALLOWED = [
    "Hopeful Mom",
    "Dad of two",
    "RiverStone",
    "Mamá Lucía",
    "O'Brien family",
    "sam_k",
    "Tia 2",
    "Padre de Juan",
    "A.J.",
]


@pytest.mark.parametrize(("name", "code"), REFUSED)
def test_refused_display_names_raise_with_a_stable_code(name, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_display_name(name)
    assert excinfo.value.code == code


@pytest.mark.parametrize("name", ALLOWED)
def test_allowed_display_names_pass(name):
    assert validate_display_name(name) == name


def test_whitespace_is_collapsed_and_trimmed():
    assert validate_display_name("  Hopeful   Mom ") == "Hopeful Mom"


@pytest.mark.parametrize(
    ("name", "looks_real"),
    [
        ("Maria Lopez", True),
        ("John Smith", True),
        ("Ana María Ruiz", True),
        ("Mary-Kate O'Neil", True),
        ("Hopeful Mom", False),
        ("Steady Partner", False),
        ("maria lopez", False),
        ("MARIA LOPEZ", False),
        ("Maria", False),
        ("Dad of two", False),
        ("Sam 2", False),
        ("Madre de Juan", False),
    ],
)
def test_full_name_warning_heuristic(name, looks_real):
    assert looks_like_full_name(name) is looks_real


def test_names_mixing_alphabets_are_refused_so_nobody_can_impersonate():
    with pytest.raises(ValidationError) as excinfo:
        validate_display_name("\u0397opeful Mom")  # Greek capital Eta, Latin the rest
    assert excinfo.value.code == "mixed_scripts"


def test_full_width_letters_become_ordinary_letters():
    assert validate_display_name("\uff28opeful Mom") == "Hopeful Mom"


def test_the_uniqueness_key_folds_non_ascii_case():
    from portal.display_names import display_name_key

    assert display_name_key("JOSÉ  Ángel") == display_name_key("josé ángel")


@pytest.mark.parametrize(
    "name",
    [
        "Moderator Jo",
        "Site Admin",
        "Dr Help",
        "Staff member",
        "Moderadora Ana",
        "La Médica",
        "Equipo de apoyo",
        "Psicóloga Luz",
        "Dra Flores",
    ],
)
def test_staff_titles_are_recognised(name):
    from portal.display_names import uses_staff_title

    assert uses_staff_title(name)


@pytest.mark.parametrize("name", ["Papá con Esperanza", "Mamá Luz", "Hopeful Dad", "Medical Mom"])
def test_ordinary_names_are_not_staff_titles(name):
    from portal.display_names import uses_staff_title

    assert not uses_staff_title(name)


# --- look-alikes, invisible names and crisis language (issue #16) -------------------------
@pytest.mark.parametrize(
    "name",
    [
        "ModeratorSam",
        "M0derator Sam",
        "MODERATOR sam",
        "Mod Sam",
        "Site Admln",
        "Site Adm1n",
        "S1te Admin",
        "\u041coderator Sam",  # Cyrillic capital Em
        "M o d e r a t o r",
        "Dr.Help",
        "TheStaff",
    ],
)
def test_staff_titles_are_recognised_in_any_spacing_digits_or_look_alike_letters(name):
    from portal.display_names import uses_staff_title

    assert uses_staff_title(name)


@pytest.mark.parametrize(
    "name", ["Andrew", "Steamboat Sam", "Modern Mom", "Medical Mom", "Edith", "Madre Luz"]
)
def test_names_that_merely_contain_title_letters_are_not_staff_titles(name):
    from portal.display_names import uses_staff_title

    assert not uses_staff_title(name)


@pytest.mark.parametrize(
    "name", ["Hopefu1 Mom", "HopefuI Mom", "Hopeful Mom.", "hopeful  mom", "H\u043epeful Mom"]
)
def test_look_alike_names_share_one_skeleton(name):
    from portal.display_names import display_name_key

    assert display_name_key(name) == display_name_key("Hopeful Mom")


@pytest.mark.parametrize(
    "name", ["\u3164\u3164\u3164", "\u200b\u200b\u200b", " \u2800 \u2800 ", "\u115f\u1160"]
)
def test_names_that_show_as_nothing_are_refused(name):
    with pytest.raises(ValidationError) as excinfo:
        validate_display_name(name)
    assert excinfo.value.code == "blank"


def test_invisible_characters_inside_a_name_are_removed():
    assert validate_display_name("Hope\u200bful Mom") == "Hopeful Mom"


@pytest.mark.parametrize("name", ["I want to die", "kill myself now", "quiero morirme"])
def test_crisis_language_in_a_name_is_refused_with_its_own_code(name):
    with pytest.raises(ValidationError) as excinfo:
        validate_display_name(name)
    assert excinfo.value.code == "crisis"
    assert "988" in str(excinfo.value.message)


@pytest.mark.parametrize(
    ("text", "email", "phone"),
    [
        ("maria.lopez@example.com", True, False),
        ("maria (at) example", True, False),
        ("call 555-201-3344", False, True),
        ("555\u200b201\u200b3344", False, True),
        ("+44 20 7946 0958", False, True),
        ("Tia 2", False, False),
    ],
)
def test_names_and_messages_agree_on_emails_and_phone_numbers(text, email, phone):
    """One detector: what a display name is refused for, a message is held for."""
    from forums.screening import screen

    kinds = screen(text).kinds
    assert ("email" in kinds) is email
    assert ("phone" in kinds) is phone
    if email or phone:
        with pytest.raises(ValidationError) as excinfo:
            validate_display_name(text)
        assert excinfo.value.code == ("email" if email else "phone")
