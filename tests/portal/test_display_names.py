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
