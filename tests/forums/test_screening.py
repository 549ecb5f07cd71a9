"""forums.screening.screen(): every tier and detector, as a table (pure: no database)."""

import dataclasses

import pytest

from forums import screening
from forums.screening import BLOCK, CRISIS, FLAG, HOLD, WatchedTerm, rules, screen
from forums.screening.model import DEV, get_model, model_text, read_corpus
from portal.pattern_prefilter import Prefilter, re2_superset
from portal.text_normalisation import variants

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


# --- how patterns and the model decide together (a model with a fixed answer) ----------


class FixedModel:
    """A trained model's interface with a fixed probability: the decision rules alone."""

    vocabulary = frozenset()

    def __init__(self, probability):
        self._probability = probability

    def score(self, text, analysis=None, *, explain=False):
        return self._probability, (("tonight",) if explain else ())


_RULES = rules.load()


def rule_set(**thresholds):
    values = {
        "hold_at": 0.6,
        "hold_with_cue_at": 0.4,
        "overrule_strong_below": 0.05,
        "overrule_min_words": 10,
        "model_alone_min_words": 4,
    }
    return dataclasses.replace(_RULES, **(values | thresholds))


LONG_STORY = (
    "Three winters ago my brother told me he wanted to die, and we drove to the ER that night"
)


def test_a_strong_pattern_holds_unless_the_model_is_nearly_sure_it_is_ordinary():
    held = screening.assess_crisis(LONG_STORY, model=FixedModel(0.2), rule_set=rule_set())
    assert held.crisis and any("wanted to die" in reason for reason in held.reasons)
    overruled = screening.assess_crisis(LONG_STORY, model=FixedModel(0.01), rule_set=rule_set())
    assert not overruled.crisis
    assert overruled.overruled and "please check" in overruled.overruled[0]


def test_a_short_direct_statement_is_never_overruled():
    verdict = screening.assess_crisis(
        "Sometimes I think about suicide", model=FixedModel(0.01), rule_set=rule_set()
    )
    assert verdict.crisis and not verdict.overruled


def test_an_overruled_pattern_is_shown_and_queued_for_a_moderator(monkeypatch):
    monkeypatch.setattr(screening, "get_model", lambda: FixedModel(0.01))
    monkeypatch.setattr(rules, "load", lambda *args: rule_set())
    verdict = screen(LONG_STORY)
    assert verdict.action == FLAG and verdict.visible and not verdict.crisis
    assert verdict.kinds == (screening.KIND_CRISIS_CHECK,)
    assert "please check" in verdict.reasons[0]


def test_the_model_alone_does_not_hold_two_or_three_words():
    sure = FixedModel(0.95)
    assert not screening.assess_crisis("mom and dad", model=sure, rule_set=rule_set()).crisis
    long_enough = screening.assess_crisis("mom and dad are here", model=sure, rule_set=rule_set())
    assert long_enough.crisis
    assert "wording close to crisis messages (95%): 'tonight'" in long_enough.reasons


def test_a_cue_holds_short_messages_with_the_models_support():
    cue_text = "no hope left"
    analysis = rules.analyse(cue_text, rule_set())
    assert any(match.strength == rules.CUE for match in analysis.matches)
    assert screening.assess_crisis(cue_text, model=FixedModel(0.45), rule_set=rule_set()).crisis
    assert not screening.assess_crisis(cue_text, model=FixedModel(0.2), rule_set=rule_set()).crisis


def test_a_display_name_needs_a_pattern_to_read_as_crisis(monkeypatch):
    monkeypatch.setattr(screening, "get_model", lambda: FixedModel(0.99))
    monkeypatch.setattr(rules, "load", lambda *args: rule_set(model_alone_min_words=0))
    assert not screening.is_crisis("Mom and Dad")
    assert screening.is_crisis("wanna die")


@pytest.mark.parametrize(
    ("text", "spelt"),
    [
        ("want2die", "want to die"),
        ("gonna b gone b4 u wake up", "gonna be gone before you wake up"),
        ("doing it 2nite", "doing it tonight"),
        ("i have 2 kids", "i have to kids"),  # a form to try, never the text itself
    ],
)
def test_texting_shorthand_is_spelt_out_as_one_more_form(text, spelt):
    assert f" {spelt} " in variants(text)


def test_the_text_itself_stays_the_first_form():
    assert variants("i have 2 kids")[0] == " i have 2 kids "


def test_shorthand_crisis_is_found_by_the_patterns():
    assert screen("i want2die").crisis


def test_the_fast_score_is_the_classifiers_own_probability():
    model = get_model()
    for example in read_corpus(DEV)[::400]:
        analysis = model.analyse(example.text)
        rows = model.features([model_text(example.text, model.vocabulary)], [analysis])
        expected = model.classifier.predict_proba(rows)[0, 1]
        assert model.score(example.text, analysis)[0] == pytest.approx(expected, abs=1e-9)


def test_the_fast_score_holds_for_a_long_message():
    model = get_model()
    text = " ".join(example.text for example in read_corpus(DEV)[1::350])
    assert len(text) > 1500
    analysis = model.analyse(text)
    rows = model.features([model_text(text, model.vocabulary)], [analysis])
    expected = model.classifier.predict_proba(rows)[0, 1]
    assert model.score(text, analysis)[0] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("python", "re2_form"),
    [
        (r"\bkill (my ?self|him ?self)\b", "kill (my ?self|him ?self)"),
        (r"\bready to die\b(?! (of|from) laughing)", "ready to die"),
        (r"\bgraduat\w*\b", r"graduat[\pL\pN_]*"),
        (r"[^\w\d]+", r"[^\pL\pN_\p{Nd}]+"),
        (r"\b(\d+|a few) years ago\b", r"(\p{Nd}+|a few) years ago"),
    ],
)
def test_the_prefilter_reads_each_pattern_as_a_superset_re2_can_run(python, re2_form):
    assert re2_superset(python) == re2_form


def test_the_prefilter_answers_every_pattern_when_re2_cannot():
    prefilter = Prefilter([r"\bkill\b", r"\bdie\b"])
    assert prefilter.possible("i could kill for a coffee") == {0}

    class OutOfMemory:
        def Match(self, text):  # noqa: N802 - RE2's name
            return None

    prefilter._set = OutOfMemory()
    assert prefilter.possible("i could kill for a coffee") == {0, 1}


def test_the_prefilter_changes_no_analysis():
    """Every tenth development message, and the same messages run together: the rules
    met, the frames and the signals are the same with RE2's prefilter as without it."""
    rule_set = rules.load()
    without = dataclasses.replace(rule_set, prefilter=None)
    vocabulary = get_model().vocabulary
    examples = read_corpus(DEV)[::10]
    texts = [example.text for example in examples]
    texts += [" ".join(texts[start : start + 12]) for start in range(0, len(texts), 12)]
    met = 0
    for text in texts:
        with_prefilter = rules.analyse(text, rule_set, vocabulary)
        assert with_prefilter == rules.analyse(text, without, vocabulary), text
        met += bool(with_prefilter.matches)
    assert met > len(texts) / 5  # the comparison covers messages that meet rules


def test_the_identifying_details_prefilter_changes_no_answer(monkeypatch):
    """Every tenth development message and every identifying example above: the details
    found are the same with RE2's prefilter as with every detector run."""
    from portal import identifying_details as detector

    texts = [example.text for example in read_corpus(DEV)[::10]]
    texts += [text for text, *_ in CASES] + [
        "write to maria at gmail dot com",
        "maria (at) gmail",
        "we live at 12 Oak Street, apt 4",
        "Calle Mayor 12",
        "my son John Smith",
        "me llamo Ana García",
        "555.201.3344 or 2015550123",
        "555-0199",
        "mail: 555@b.co 1234",
    ]
    with_prefilter = [detector.identifying_details(text) for text in texts]
    assert sum(map(bool, with_prefilter)) >= 12

    class Everything:
        def possible(self, text):
            return frozenset(range(len(detector._DETECTORS)))

    monkeypatch.setattr(detector, "_PREFILTER", Everything())
    assert [detector.identifying_details(text) for text in texts] == with_prefilter
