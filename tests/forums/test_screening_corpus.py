"""Crisis screening on the held-out corpus (issue #16): recall and false holds, English and
Spanish separately, on messages the screen was never trained or tuned on.

``forums/screening/corpus/heldout`` was written apart from the development corpus the
model trains on, and neither the patterns nor the thresholds were chosen by looking at
it (bench/screening_corpus.py recomputes these figures and the development ones).
"""

import pytest

from forums.screening import model as crisis_model
from forums.screening import screen

RECALL_TARGET = 0.95
FALSE_HOLD_TARGET = 0.05


@pytest.fixture(scope="module")
def heldout_results():
    results = {}
    for example in crisis_model.read_corpus(crisis_model.HELDOUT):
        verdict = screen(example.text)
        row = results.setdefault(
            example.language, {"caught": 0, "crisis": 0, "held": 0, "ordinary": 0}
        )
        if example.crisis:
            row["crisis"] += 1
            row["caught"] += verdict.crisis
        else:
            row["ordinary"] += 1
            row["held"] += not verdict.visible
    return results


def test_the_held_out_corpus_is_large_enough_in_both_languages(heldout_results):
    assert set(heldout_results) == {"en", "es"}
    for row in heldout_results.values():
        assert row["crisis"] >= 45 and row["ordinary"] >= 90


def test_the_development_and_held_out_corpora_share_no_message():
    dev = {example.text for example in crisis_model.read_corpus(crisis_model.DEV)}
    heldout = {example.text for example in crisis_model.read_corpus(crisis_model.HELDOUT)}
    assert not dev & heldout


@pytest.mark.parametrize("language", ["en", "es"])
def test_held_out_crisis_recall_meets_the_target(heldout_results, language):
    row = heldout_results[language]
    recall = row["caught"] / row["crisis"]
    assert recall >= RECALL_TARGET, f"{language}: {row['caught']}/{row['crisis']} = {recall:.1%}"


@pytest.mark.parametrize("language", ["en", "es"])
def test_held_out_false_holds_stay_within_the_target(heldout_results, language):
    row = heldout_results[language]
    rate = row["held"] / row["ordinary"]
    assert rate <= FALSE_HOLD_TARGET, f"{language}: {row['held']}/{row['ordinary']} = {rate:.1%}"
