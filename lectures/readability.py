"""Readability of health content, measured by textstat (Flesch–Kincaid grade level).

The portal writes for families under stress: the target is grade 6 to 8, as health
literacy guidance recommends for patient materials.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

TARGET_LOW = 6
TARGET_HIGH = 8
MIN_WORDS = 30  # below this a grade level says nothing


@dataclass(frozen=True)
class Readability:
    words: int
    grade: float | None

    @property
    def verdict(self):
        if self.grade is None:
            return "too_short"
        if self.grade > TARGET_HIGH:
            return "too_hard"
        return "on_target"

    @property
    def message(self):
        return {
            "too_short": _("Not enough text yet to measure (at least %(n)s words).")
            % {"n": MIN_WORDS},
            "too_hard": _("Harder than the target. Try shorter sentences and everyday words."),
            "on_target": _("Within or below the target. Good."),
        }[self.verdict]


def measure(text):
    """Flesch–Kincaid grade of ``text`` (None when there are too few words to tell)."""
    import textstat  # loads its dictionaries on first use; only the admin needs it

    words = len(text.split())
    if words < MIN_WORDS:
        return Readability(words=words, grade=None)
    return Readability(
        words=words, grade=round(textstat.flesch_kincaid_grade(_as_sentences(text)), 1)
    )


def _as_sentences(text):
    """End every line with a full stop: headings, list items and table cells are read
    as separate sentences, not run together into one very long one."""
    lines = (line.strip() for line in text.splitlines())
    return " ".join(line if line[-1] in ".!?:;" else f"{line}." for line in lines if line)
