"""The crisis patterns, read from ``rules/crisis.toml`` (data a clinician reviews).

Each rule is compiled once; :func:`match_rules` reads a message's normalised forms
sentence by sentence and says which rules met, how strongly, and with which words, so
the verdict can tell a moderator *why* ("possible suicide plan: 'pills' + 'tonight'").
"""

import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from portal.pattern_prefilter import Prefilter

RULES_FILE = Path(__file__).parent / "rules" / "crisis.toml"

STRONG = "strong"
CUE = "cue"

# Sentence edges in the original text. Normalisation drops punctuation, so sentences are
# cut first and each is normalised on its own.
_SENTENCE_END = re.compile(r"(?<=[.!?;\n])\s+|\n+|(?<=[.!?])(?=[A-ZÁÉÍÓÚÑ¿¡])")


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    strength: str
    reason: str
    pattern: re.Pattern
    unless: re.Pattern | None = None


@dataclass(frozen=True)
class Combination:
    id: str
    category: str
    strength: str
    reason: str
    parts: tuple  # one compiled pattern per list: a term of each must appear


@dataclass(frozen=True)
class Match:
    """One rule met: which, how strongly (after framing), and the words that met it."""

    rule_id: str
    category: str
    strength: str
    reason: str
    words: tuple

    def describe(self):
        quoted = " + ".join(f"'{word}'" for word in self.words)
        return f"{self.reason}: {quoted}" if quoted else self.reason


@dataclass(frozen=True)
class RuleSet:
    rules: tuple
    combinations: tuple
    education: re.Pattern
    question: re.Pattern
    history: re.Pattern
    hold_at: float
    hold_with_cue_at: float
    overrule_strong_below: float = 0.0
    model_alone_min_words: int = 0
    overrule_min_words: int = 0
    signals: tuple = ()  # (name, compiled pattern): word families the model counts
    # Which rules, frames and combination terms can match a text, found in one pass.
    prefilter: "Prefilter | None" = field(default=None, compare=False)

    @property
    def ids(self):
        return tuple(item.id for item in (*self.rules, *self.combinations))


FRAMES = ("education", "question", "history")


@dataclass(frozen=True)
class Analysis:
    """What the patterns found in a message: the rules met, and how it is framed."""

    matches: tuple
    frames: frozenset
    signals: tuple = ()  # per signal, how often its words appear
    words: int = 0  # how many words the message has


def _joined(patterns):
    return "|".join(f"(?:{pattern})" for pattern in patterns)


def _compile(patterns):
    return re.compile(_joined(patterns)) if patterns else None


@cache
def load(path=RULES_FILE):
    """The rule set in ``path`` (cached: the file is read once per process)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    rules = tuple(
        Rule(
            id=item["id"],
            category=item["category"],
            strength=item["strength"],
            reason=item["reason"],
            pattern=_compile(item["patterns"]),
            unless=_compile(item.get("unless", ())),
        )
        for item in data.get("rule", ())
    )
    for rule in rules:
        if rule.strength not in (STRONG, CUE):
            raise ValueError(f"{path}: rule {rule.id} has strength {rule.strength!r}")
    combinations = tuple(
        Combination(
            id=item["id"],
            category=item["category"],
            strength=item.get("strength", STRONG),
            reason=item["reason"],
            parts=tuple(_compile(part) for part in item["all"]),
        )
        for item in data.get("combination", ())
    )
    frames = data.get("frames", {})
    model = data.get("model", {})
    prefilter_sources = [_joined(item["patterns"]) for item in data.get("rule", ())]
    prefilter_sources += [_joined(frames.get(name, ())) or "$^" for name in FRAMES]
    prefilter_sources += [
        _joined(part) for item in data.get("combination", ()) for part in item["all"]
    ]
    return RuleSet(
        rules=rules,
        combinations=combinations,
        education=_compile(frames.get("education", ())),
        question=_compile(frames.get("question", ())),
        history=_compile(frames.get("history", ())),
        hold_at=float(model.get("hold_at", 0.6)),
        hold_with_cue_at=float(model.get("hold_with_cue_at", 0.3)),
        overrule_strong_below=float(model.get("overrule_strong_below", 0.0)),
        model_alone_min_words=int(model.get("model_alone_min_words", 0)),
        overrule_min_words=int(model.get("overrule_min_words", 0)),
        signals=tuple(
            (name, _compile(patterns)) for name, patterns in data.get("signals", {}).items()
        ),
        prefilter=Prefilter(prefilter_sources),
    )


def sentences(text):
    """``text`` cut into sentences (a message without punctuation is one sentence)."""
    return [part for part in _SENTENCE_END.split(text or "") if part and part.strip()]


def _first(pattern, forms):
    for form in forms:
        found = pattern.search(form)
        if found:
            return found.group(0).strip()
    return None


def match_rules(sentence_forms, rule_set):
    """The rules met by a message, given each sentence's normalised forms, as an
    :class:`Analysis`.

    A strong rule counts as a cue when the message is framed as education (a lecture, a
    kit, a handout: anywhere in the message) or its sentence asks "what if" or tells
    old history; a strong combination counts as a cue in a message framed as education
    or history. An ``unless`` pattern in the same sentence cancels its rule there.
    """
    whole = [form for forms in sentence_forms for form in forms]
    # Most messages meet no rule: find the candidates on the whole text first (RE2 says
    # which patterns can match, in one pass; Python's confirm those), and read sentence
    # by sentence only for them.
    joined = "\n".join(whole)
    possible = rule_set.prefilter.possible(joined) if rule_set.prefilter else None

    def may(index):
        return possible is None or index in possible

    candidates = [
        (index, rule)
        for index, rule in enumerate(rule_set.rules)
        if may(index) and rule.pattern.search(joined)
    ]
    first_frame = len(rule_set.rules)
    frame_may = {name: may(first_frame + number) for number, name in enumerate(FRAMES)}
    frames = set()
    if (
        frame_may["education"]
        and rule_set.education is not None
        and rule_set.education.search(joined)
    ):
        frames.add("education")
    found = {}
    for forms in sentence_forms if candidates else ():
        sentence_frames = None
        in_sentence = rule_set.prefilter.possible("\n".join(forms)) if rule_set.prefilter else None
        for index, rule in candidates:
            if in_sentence is not None and index not in in_sentence:
                continue
            if rule.id in found and found[rule.id].strength == STRONG:
                continue
            words = _first(rule.pattern, forms)
            if words is None:
                continue
            if rule.unless is not None and _first(rule.unless, forms):
                continue
            strength = rule.strength
            if strength == STRONG:
                if sentence_frames is None:
                    sentence_frames = {
                        name
                        for name in ("question", "history")
                        if getattr(rule_set, name) is not None
                        and _first(getattr(rule_set, name), forms)
                    }
                    frames |= sentence_frames
                if sentence_frames or "education" in frames:
                    strength = CUE
            if rule.id not in found or strength == STRONG:
                found[rule.id] = Match(rule.id, rule.category, strength, rule.reason, (words,))
    for name in ("history", "question"):
        pattern = getattr(rule_set, name)
        if frame_may[name] and pattern is not None and pattern.search(joined):
            frames.add(name)
    part_index = first_frame + len(FRAMES)
    for combination in rule_set.combinations:
        indices = range(part_index, part_index + len(combination.parts))
        part_index += len(combination.parts)
        if not all(may(index) for index in indices):
            continue
        words = [_first(part, whole) for part in combination.parts]
        if all(words):
            framed = bool(frames & {"education", "history"})
            strength = CUE if framed else combination.strength
            found[combination.id] = Match(
                combination.id, combination.category, strength, combination.reason, tuple(words)
            )
    base = " ".join(forms[0] for forms in sentence_forms)
    counts = tuple(len(pattern.findall(base)) for _name, pattern in rule_set.signals)
    return Analysis(tuple(found.values()), frozenset(frames), counts, len(base.split()))


def analyse(text, rule_set, vocabulary=frozenset()):
    """:func:`match_rules` on ``text``, sentence by sentence."""
    from portal.text_normalisation import variants

    return match_rules([variants(part, vocabulary) for part in sentences(text)], rule_set)


def features(analysis, rule_set):
    """The analysis as numbers for the model: per rule, met strongly / as a cue; per
    frame, present."""
    met = {match.rule_id: match.strength for match in analysis.matches}
    row = []
    for rule_id in rule_set.ids:
        row += [float(met.get(rule_id) == STRONG), float(met.get(rule_id) == CUE)]
    row += [float(name in analysis.frames) for name in FRAMES]
    row += [math.log1p(count) / 2 for count in analysis.signals]
    return row
