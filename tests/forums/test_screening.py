"""forums.screening.screen(): every tier and detector, as a table (pure: no database)."""

import pytest

from forums import screening
from forums.screening import BLOCK, CRISIS, FLAG, HOLD, WatchedTerm, screen

WATCHED = (
    WatchedTerm("idiot", BLOCK, "Please keep it kind."),
    WatchedTerm("rehab scam", HOLD, ""),
    WatchedTerm("miracle cure", FLAG, ""),
    WatchedTerm("go away forever", CRISIS, ""),
)

ALLOW = screening.ALLOW

# (text, new_member, expected action, expected kinds (subset, in order-insensitive form))
CASES = [
    # --- plain talk is allowed -------------------------------------------------------
    ("Hello everyone, hard week here.", False, ALLOW, set()),
    ("My son started IOP on Monday.", False, ALLOW, set()),
    ("Thank you, that helps so much.", False, ALLOW, set()),
    ("", False, ALLOW, set()),
    ("Gracias por escuchar.", False, ALLOW, set()),
    # --- watched words: block, hold, flag, crisis ------------------------------------
    ("What an idiot he was", False, BLOCK, {"watched_word"}),
    ("What an IDIOT!!", False, BLOCK, {"watched_word"}),
    ("what an 1d1ot", False, BLOCK, {"watched_word"}),
    ("idiotic idea", False, ALLOW, set()),  # whole words only
    ("This place is a rehab scam", False, HOLD, {"watched_word"}),
    ("rehab, scam?", False, HOLD, {"watched_word"}),
    ("Someone sold us a miracle cure", False, FLAG, {"watched_word"}),
    ("I just want to go away forever", False, HOLD, {"crisis"}),
    ("idiot and miracle cure", False, BLOCK, {"watched_word"}),  # strongest tier wins
    # crisis language outranks a block: held (urgent), never refused
    ("I want to die, you idiot", False, HOLD, {"crisis", "watched_word"}),
    ("idiot, I will go away forever", False, HOLD, {"crisis", "watched_word"}),
    # --- built-in crisis language ----------------------------------------------------
    ("I want to die", False, HOLD, {"crisis"}),
    ("Sometimes I think about suicide", False, HOLD, {"crisis"}),
    ("He said he would kill himself", False, HOLD, {"crisis"}),
    ("I might hurt myself tonight", False, HOLD, {"crisis"}),
    ("She overdosed last night", False, HOLD, {"crisis"}),
    ("k1ll  myself", False, HOLD, {"crisis"}),
    ("Everyone would be better off without me", False, HOLD, {"crisis"}),
    ("I don't want to live anymore", False, HOLD, {"crisis"}),
    ("No quiero vivir así", False, HOLD, {"crisis"}),
    ("Pensó en el suicidio", False, HOLD, {"crisis"}),
    # crisis false-positive guards
    ("This skill will help", False, ALLOW, set()),
    ("The deadline is killing me", False, ALLOW, set()),
    ("I'm dying to see the new movie", False, ALLOW, set()),
    ("We talked about the cutting board", False, ALLOW, set()),
    # Worry about a possible overdose, with nothing happening now, is not held.
    ("Tengo miedo de una sobredosis", False, ALLOW, set()),
    # --- identifying details: phone, email, address, full name -------------------------
    ("Call me at 555-201-3344", False, HOLD, {"phone"}),
    ("My number is (617) 555-0199", False, HOLD, {"phone"}),
    ("Reach me on +1 617 555 0199", False, HOLD, {"phone"}),
    ("UK cousin: +44 20 7946 0958", False, HOLD, {"phone"}),
    ("Email me: maria.lopez@example.com", False, HOLD, {"email"}),
    ("We live at 42 Maple Street", False, HOLD, {"address"}),
    ("Our place is 1200 N Lake Shore Dr", False, HOLD, {"address"}),
    ("Send it to PO Box 123", False, HOLD, {"address"}),
    ("Vivimos en Calle Mayor 12", False, HOLD, {"address"}),
    ("My son John Smith is in group", False, HOLD, {"full_name"}),
    ("My name is Ana Ruiz", False, HOLD, {"full_name"}),
    ("Mi hijo se llama Carlos Pérez", False, HOLD, {"full_name"}),
    # identifying false-positive guards
    ("He has been sober 30 days", False, ALLOW, set()),
    ("We waited 2 hours at the clinic", False, ALLOW, set()),
    ("Session starts at 6 pm in room 204", False, ALLOW, set()),
    ("In 2024 we moved twice", False, ALLOW, set()),
    ("My son John is doing better", False, ALLOW, set()),
    ("My son Monday was quiet", False, ALLOW, set()),
    ("I walked 3 miles down the road", False, ALLOW, set()),
    ("my daughter is 17 years old", False, ALLOW, set()),
    ("Step 12 of the program", False, ALLOW, set()),
    # --- links from members in their first week ----------------------------------------
    ("Read https://example.org/guide", True, HOLD, {"link"}),
    ("See www.example.org for more", True, HOLD, {"link"}),
    ("Try samhsa.gov", True, HOLD, {"link"}),
    ("Read https://example.org/guide", False, ALLOW, set()),  # established member
    ("I feel fine. Really.", True, ALLOW, set()),  # a full stop is not a link
    ("Email me: a@b.org", True, HOLD, {"email"}),  # an email address is not a link
    # --- several detectors at once -------------------------------------------------------
    ("I want to die, call 555-201-3344", False, HOLD, {"crisis", "phone"}),
    ("miracle cure at www.example.org", True, HOLD, {"watched_word", "link"}),
]


@pytest.mark.parametrize(("text", "new_member", "action", "kinds"), CASES)
def test_screen(text, new_member, action, kinds):
    verdict = screen(text, watched=WATCHED, new_member=new_member)
    assert verdict.action == action, verdict
    assert set(verdict.kinds) == kinds, verdict


def test_there_are_at_least_fifty_cases():
    assert len(CASES) >= 50


def test_a_block_explains_itself_with_the_moderators_words():
    assert screen("idiot", watched=WATCHED).explanation == "Please keep it kind."


def test_crisis_explanation_wins_and_points_to_988():
    verdict = screen("I want to die, call 555-201-3344", watched=WATCHED)
    assert verdict.crisis and "988" in verdict.explanation


def test_identifying_details_explain_the_privacy_hold():
    assert "privacy" in screen("Email me: a@b.org").explanation


def test_hold_and_block_are_not_visible_and_flag_is():
    assert not screen("rehab scam", watched=WATCHED).visible
    assert not screen("idiot", watched=WATCHED).visible
    assert screen("miracle cure", watched=WATCHED).visible


def test_identifying_checks_can_be_switched_off():
    assert screen("Call 555-201-3344", check_identifying=False).action == ALLOW


def test_screen_is_pure():
    first = screen("I want to die", watched=WATCHED)
    assert screen("I want to die", watched=WATCHED) == first
