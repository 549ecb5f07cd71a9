"""Screening that cannot be dodged: every evasion trick of issue #16, as a table (pure).

Each row is a trick that let crisis language, a phone number or a blocked word through
as a visible message before normalisation removed invisible characters, mapped
look-alike letters and joined spaced-out letters.
"""

import pytest

from forums.screening import BLOCK, HOLD, WatchedTerm, clean_text, is_blank, screen
from portal.text_normalisation import normalise, skeleton, strip_invisible

BLOCKED = (WatchedTerm("idiot", BLOCK, "Please keep it kind."),)

CRISIS_TRICKS = [
    ("zero-width space inside a word", "I want to kill my\u200bself"),
    ("soft hyphen inside a word", "I keep thinking about sui\u00adcide"),
    ("zero-width joiner", "I want to k\u200dill myself"),
    ("word joiner", "i want to end my li\u2060fe"),
    ("Cyrillic look-alike letter", "I keep thinking about su\u0456cide"),
    ("Greek look-alike letter", "he is \u03bfverdosing right now"),
    ("all Cyrillic look-alikes", "I think about \u0455u\u0456\u0441\u0456d\u0435 all the time"),
    ("letters spaced out", "I keep thinking about s u i c i d e"),
    ("letters dotted out", "I want to k.i.l.l m.y.s.e.l.f"),
    ("digits for letters", "i want to k1ll mys3lf"),
    ("symbols for letters", "thinking about $uicide again"),
    ("repeated letters", "i want to diiiiie"),
    ("full-width letters", "I want to \uff4b\uff49\uff4c\uff4c myself"),
    ("bidi override around the words", "I want to \u202ekill myself\u202c"),
    ("capitals and no spaces between words", "I WANT TO KILL MYSELF!!!"),
    ("Spanish with an invisible character", "quiero mat\u200barme"),
]


@pytest.mark.parametrize(("trick", "text"), CRISIS_TRICKS, ids=[row[0] for row in CRISIS_TRICKS])
def test_crisis_language_is_held_whatever_the_trick(trick, text):
    verdict = screen(text)
    assert verdict.crisis, (trick, verdict)
    assert verdict.action == HOLD


PHONE_TRICKS = [
    ("zero-width spaces between digits", "call me 555\u200b-201\u200b-3344"),
    ("soft hyphens between digits", "text me at 555\u00ad201\u00ad3344"),
    ("full-width digits", "call \uff15\uff15\uff15-\uff12\uff10\uff11-\uff13\uff13\uff14\uff14"),
    ("digits with spaces", "my cell 555 201 3344"),
]


@pytest.mark.parametrize(("trick", "text"), PHONE_TRICKS, ids=[row[0] for row in PHONE_TRICKS])
def test_a_phone_number_is_held_whatever_the_trick(trick, text):
    verdict = screen(text)
    assert verdict.action == HOLD and "phone" in verdict.kinds, (trick, verdict)


WATCHED_TRICKS = [
    ("zero-width space", "what an id\u200biot"),
    ("soft hyphen", "what an idi\u00adot"),
    ("Cyrillic look-alike", "what an \u0456diot"),
    ("spaced out", "what an i d i o t"),
    ("digits", "what an 1d10t"),
]


@pytest.mark.parametrize(("trick", "text"), WATCHED_TRICKS, ids=[row[0] for row in WATCHED_TRICKS])
def test_a_blocked_word_is_blocked_whatever_the_trick(trick, text):
    assert screen(text, watched=BLOCKED).action == BLOCK, trick


def test_invisible_characters_are_removed_not_turned_into_spaces():
    assert normalise("kill my\u200bself") == " kill myself "
    assert strip_invisible("a\u200b\u200c\u200d\u2060\ufeff\u00adb") == "ab"


def test_look_alike_letters_map_to_their_latin_skeleton():
    assert skeleton("\u0455u\u0456\u0441\u0456d\u0435") == "suicide"
    assert skeleton("Ma\u00f1ana") == "manana"  # accents fold, Spanish letters stay Latin


@pytest.mark.parametrize(
    "text",
    ["\u200b", "\u200b\u200c\u200d", " \u3164 ", "\u2800\u2800", "\u202e\u202c", "\u00ad", ""],
)
def test_a_message_of_invisible_characters_only_is_blank(text):
    assert is_blank(text)


def test_bidi_controls_and_invisible_characters_are_removed_from_what_is_stored():
    assert clean_text("abc\u202edcba\u202c \u200bok") == "abcdcba ok"
    assert clean_text("\u2066x\u2069") == "x"


def test_the_emoji_joiner_is_kept_in_what_is_stored():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text(family) == family


@pytest.mark.parametrize(
    "text",
    [
        "This commute is killing me",
        "I could kill for a coffee right now",
        "I'm dying to hear how the lecture went",
        "Me muero de risa con este grupo",
        "Thank you all, see you Thursday",
        "My son John is doing better",
        "The deadline is killing me but we'll manage",
        "We did the naloxone training at the library; everyone should carry a kit",
    ],
)
def test_ordinary_messages_that_use_the_same_words_are_allowed(text):
    assert screen(text).action == "allow", screen(text)


def test_a_crisis_verdict_carries_reasons_a_moderator_can_read():
    verdict = screen("I've been saving up my pills and I'm doing it tonight")
    assert verdict.crisis
    assert any(reason.startswith("possible suicide plan: 'pills'") for reason in verdict.reasons)


def test_a_privacy_hold_says_which_detail_it_found():
    verdict = screen("Email me: maria.lopez@example.com")
    assert verdict.reasons == ("identifying detail: an email address",)
