"""Screening of what families type, before anything is visible to anyone else.

:func:`screen` is the one entry point: text and context in, a :class:`Verdict` out
(``.action``: allow / flag / hold / block; ``.crisis``: bool; ``.reasons``: what a
moderator reads). No database, no cache, no clock — the caller passes the watched words
(edited by moderators in admin) and whether the author is a new member. Live Q&A, peer
rooms, reports and display names all call it (``forums.live.moderation``).

Layers, each explainable to a moderator:

1. **normalisation** (:mod:`portal.text_normalisation`): invisible characters removed,
   look-alike letters, digit swaps, spaced-out letters and repeated letters undone;
2. **patterns** (``rules/crisis.toml``, data a clinician reviews): strong rules hold on
   their own ("took the whole bottle"); cues ("overdose", "a burden") hold only with
   the model's support; plans are combinations ("pills" + "tonight"); education and
   old history turn a strong rule into a cue;
3. **a statistical model** (:mod:`forums.screening.model`), trained from the labelled
   corpus in ``corpus/dev``, for crisis wording no pattern names;
4. **the verdict**, with reasons ("possible suicide plan: 'pills' + 'tonight'").

Tiers, strongest wins: **block** (refused, the author sees why) > **hold** (kept for a
moderator) > **flag** (visible, and queued for a moderator) > allow — except that crisis
outranks everything: a crisis message is held as urgent, never refused.

Other detectors: identifying details (phone, email, street address, full name — the
one detector display names use too, :mod:`portal.identifying_details`) → hold; links
from members in their first week → hold; moderators' watched words → their action.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from forums.screening import rules
from forums.screening.model import get_model
from portal.identifying_details import identifying_details, prepared
from portal.text_normalisation import clean_text, is_blank, normalise, variants

__all__ = [
    "ALLOW",
    "BLOCK",
    "CRISIS",
    "FLAG",
    "HOLD",
    "KIND_CRISIS_CHECK",
    "Finding",
    "Verdict",
    "WatchedTerm",
    "assess_crisis",
    "clean_text",
    "has_link",
    "identifying_details",
    "is_blank",
    "is_crisis",
    "normalise",
    "screen",
]

ALLOW = "allow"
FLAG = "flag"
HOLD = "hold"
BLOCK = "block"
CRISIS = "crisis"  # a watched-word action: hold and mark urgent

_SEVERITY = {ALLOW: 0, FLAG: 1, HOLD: 2, BLOCK: 3}

# Finding kinds (stable: stored with held items and shown in the review queue).
KIND_WATCHED = "watched_word"
KIND_CRISIS = "crisis"
# A strong crisis pattern in a message the model reads as education or history: shown,
# and queued for a moderator to check (a question is held for the moderator, as ever).
KIND_CRISIS_CHECK = "crisis_check"
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
# What a moderator reads beside a hold that is not about crisis.
_PRIVACY_REASONS = {
    "email": "identifying detail: an email address",
    "phone": "identifying detail: a phone number",
    "address": "identifying detail: a street address",
    "full_name": "identifying detail: a full name",
}


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
    explanation: str  # for the author
    reason: str = ""  # for the moderator: which rule or words, never shown to others


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
    def reasons(self):
        """What a moderator reads in the queue, one line per finding, crisis first."""
        ordered = sorted(self.findings, key=lambda finding: finding.kind != KIND_CRISIS)
        return tuple(dict.fromkeys(finding.reason for finding in ordered if finding.reason))

    @property
    def visible(self):
        return self.action in (ALLOW, FLAG)


@dataclass(frozen=True)
class CrisisAssessment:
    """Whether a message reads as a crisis, and why, in a moderator's words."""

    crisis: bool
    probability: float
    reasons: tuple
    matches: tuple
    overruled: tuple = ()  # strong patterns the model overruled: a moderator checks them
    words: int = 0  # the message's length in words


def assess_crisis(text, *, model=None, rule_set=None):
    """Patterns and model together: a strong rule holds unless the model is nearly sure a
    message of some length is ordinary (below ``overrule_strong_below``, at least
    ``overrule_min_words`` words: education, history — then the rule is reported in
    ``overruled`` for a moderator to check); the model holds on its
    own above ``hold_at`` (in a message of at least ``model_alone_min_words`` words); a
    cue holds when the model is above ``hold_with_cue_at``.

    ``model`` and ``rule_set`` default to the process's own (the evaluation script
    passes models trained on part of the corpus)."""
    rule_set = rule_set or rules.load()
    model = model or get_model()
    analysis = rules.analyse(text, rule_set, model.vocabulary)
    matches = analysis.matches
    strong = [match for match in matches if match.strength == rules.STRONG]
    cues = [match for match in matches if match.strength == rules.CUE]
    probability, _words = model.score(text, analysis)
    reasons = [match.describe() for match in strong]
    # A message of two or three words is too little for the model to judge alone.
    alone = probability >= rule_set.hold_at and analysis.words >= rule_set.model_alone_min_words
    if alone or (cues and probability >= rule_set.hold_with_cue_at):
        reasons += [match.describe() for match in cues]
        _probability, words = model.score(text, analysis, explain=True)
        if words:
            quoted = ", ".join(f"'{word}'" for word in words)
            reasons.append(f"wording close to crisis messages ({probability:.0%}): {quoted}")
        return CrisisAssessment(True, probability, tuple(reasons), matches, (), analysis.words)
    if (
        strong
        and probability < rule_set.overrule_strong_below
        and analysis.words >= rule_set.overrule_min_words
    ):
        overruled = tuple(
            f"{reason} — but it reads as education or past history "
            f"({probability:.0%} close to crisis messages): please check"
            for reason in reasons
        )
        return CrisisAssessment(False, probability, (), matches, overruled, analysis.words)
    return CrisisAssessment(bool(strong), probability, tuple(reasons), matches, (), analysis.words)


def is_crisis(text):
    """True when a short text such as a display name reads as a crisis.

    A name is two or three words: too little for the model to judge alone ("Mom and
    Dad" shares its words with many crisis messages about parents). A name counts as
    crisis language when a pattern names it ("wanna die", "kms") and the assessment
    holds it."""
    if not (text or "").strip():
        return False
    assessment = assess_crisis(text)
    return assessment.crisis and bool(assessment.matches)


_LINK = re.compile(
    r"\bhttps?://\S+|\bwww\.\S+"
    r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|co|us|info|biz|me|ly|gov|edu|app|xyz|link)\b(?:/\S*)?",
    re.IGNORECASE,
)
_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def has_link(text):
    return bool(_LINK.search(_EMAIL_IN_TEXT.sub(" ", prepared(text))))


def _contains_phrase(forms, phrase):
    needle = normalise(phrase)
    return bool(needle.strip()) and any(needle in form for form in forms)


def screen(text, *, watched=(), new_member=False, check_identifying=True):
    """Screen ``text``; return the :class:`Verdict` (action, every finding, reasons).

    ``watched``: :class:`WatchedTerm` items; ``new_member``: the author joined less than
    a week ago (links are held). Pure: same input, same verdict.
    """
    text = text or ""
    forms = variants(text, get_model().vocabulary) if watched else ()
    findings = []
    for term in watched:
        if _contains_phrase(forms, term.phrase):
            reason = f"watched word: '{term.phrase}'"
            if term.action == CRISIS:
                findings.append(
                    Finding(KIND_CRISIS, HOLD, term.explanation or CRISIS_EXPLANATION, reason)
                )
            else:
                explanation = term.explanation or WATCHED_EXPLANATIONS[term.action]
                findings.append(Finding(KIND_WATCHED, term.action, explanation, reason))
    if text.strip():
        assessment = assess_crisis(text)
        if assessment.crisis:
            for reason in assessment.reasons or ("crisis language",):
                findings.append(Finding(KIND_CRISIS, HOLD, CRISIS_EXPLANATION, reason))
        for reason in assessment.overruled:
            findings.append(Finding(KIND_CRISIS_CHECK, FLAG, WATCHED_EXPLANATIONS[FLAG], reason))
    if check_identifying:
        for kind in identifying_details(text):
            findings.append(
                Finding(kind, HOLD, IDENTIFYING_EXPLANATION, _PRIVACY_REASONS.get(kind, kind))
            )
    if new_member and has_link(text):
        findings.append(Finding(KIND_LINK, HOLD, LINK_EXPLANATION, "a link from a new member"))
    action = ALLOW
    for finding in findings:
        if _SEVERITY[finding.action] > _SEVERITY[action]:
            action = finding.action
    if any(finding.kind == KIND_CRISIS for finding in findings):
        # Crisis outranks a blocked word: refusing the message would turn away someone
        # in crisis. It is held, urgent, for a moderator; the author sees the crisis
        # resources (the explanation puts crisis first).
        action = HOLD
    return Verdict(action, tuple(findings))
