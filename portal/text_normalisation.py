"""What families type, made comparable: one normalisation for screening and display names.

Tricks that make text look the same to a person but different to a program are undone
here, once, for every detector (crisis language, watched words, identifying details,
display names):

- Unicode NFKC: full-width letters, ligatures and styled letters become plain ones;
- every format character (Unicode category Cf: zero-width spaces and joiners, soft
  hyphens, bidi controls, tag characters) and every blank-looking filler (Hangul fillers,
  braille blank) is removed — not turned into a space, so ``kill my\\u200bself`` is
  ``kill myself``;
- letters from other scripts that look like Latin letters (Cyrillic ``і``, Greek ``ο``)
  become the Latin letter they imitate, after Unicode TR39's confusables data (shipped
  by ``confusable-homoglyphs``);
- accents are removed, case is folded, digit and symbol swaps inside words are undone
  (``k1ll``, ``$uicide``);
- letters spaced out (``s u i c i d e``, ``k.i.l.l``) are joined, and runs of a repeated
  letter (``diiiie``) are collapsed.

:func:`clean_text` is the other half: what is *stored and shown* keeps the author's
words but loses bidi overrides and invisible characters, and :func:`is_blank` tells a
message that only looks empty.
"""

import re
import unicodedata

from confusable_homoglyphs import confusables

# Characters that show as nothing but are not format characters (category Lo/So/Mn).
_INVISIBLE_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u180e\u17b4\u17b5")
# Kept in stored text: the joiner that builds emoji sequences (family, flags).
_KEPT_FORMAT = frozenset("\u200d")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# Digits and symbols that stand for letters inside a word ("k1ll", "$uicide", "d!e").
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "€": "e",
    }
)
_LEET_CHARS = "0134579@$€"
# "!" and "|" only stand for letters between letters ("d!e", "ki||"): "stop!!" keeps its
# exclamation marks.
_INNER_BANG = re.compile(r"(?<=[^\W\d_])!+(?=[^\W\d_])")
_INNER_BAR = re.compile(r"(?<=[^\W\d_])\|+(?=[^\W\d_]|$)|(?<=[^\W\d_]\|)\|")
_APOSTROPHES = re.compile(r"['’`´‘ʼ]")
_NON_WORD = re.compile(r"[^\w]+")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_SINGLE_LETTER_RUN = re.compile(r"(?<!\S)(?:[^\W\d_] ){2,}[^\W\d_](?!\S)")


def _format_and_combining_characters():
    """Every code point of category Cf, and every combining mark (accents), scanned once
    over the planes where Unicode has any."""
    formats, combining = set(), set()
    for start, end in ((0, 0x20000), (0xE0000, 0xE1000)):
        for code in range(start, end):
            char = chr(code)
            if unicodedata.category(char) == "Cf":
                formats.add(code)
            if unicodedata.combining(char):
                combining.add(code)
    return formats, combining


_FORMATS, _COMBINING_CODES = _format_and_combining_characters()
_INVISIBLE = {code: None for code in _FORMATS | {ord(c) for c in _INVISIBLE_FILLERS}}
_COMBINING = dict.fromkeys(_COMBINING_CODES)
_INVISIBLE_BUT_JOINER = {code: None for code in _INVISIBLE if chr(code) not in _KEPT_FORMAT} | {
    ord(char): None for char in _BIDI
}


def strip_invisible(text):
    """``text`` without format characters (Cf) and blank-looking fillers."""
    return (text or "").translate(_INVISIBLE)


def clean_text(text):
    """What is stored and shown: the author's text without bidi controls and invisible
    characters (the emoji joiner stays), so nothing displays reversed or hidden."""
    return (text or "").translate(_INVISIBLE_BUT_JOINER)


def is_blank(text):
    """True when ``text`` shows nothing: only whitespace and invisible characters."""
    return not strip_invisible(text).strip()


def _latin_lookalikes():
    """Each non-Latin letter or digit that TR39 lists as confusable with an ASCII letter or
    digit, mapped to it (Cyrillic "і" → "i", Greek "ο" → "o"). Accented Latin letters are
    left to lose their accents instead."""
    table = {}
    for char, glyphs in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii() or unicodedata.name(char, "").startswith("LATIN"):
            continue
        for glyph in glyphs:
            candidate = glyph["c"]
            if len(candidate) == 1 and candidate.isascii() and candidate.isalnum():
                table[ord(char)] = candidate
                break
    return table


_LOOKALIKES = _latin_lookalikes()


def skeleton(text):
    """``text`` with look-alike letters mapped to Latin, accents and case folded.

    Invisible characters are removed first. The result keeps spacing and punctuation.
    """
    text = strip_invisible(text)
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKC", text).translate(_LOOKALIKES)
    text = unicodedata.normalize("NFKD", text.casefold())
    return text.translate(_COMBINING)


def _undo_leet(token):
    token = _INNER_BANG.sub(lambda match: "i" * len(match.group(0)), token)
    token = _INNER_BAR.sub(lambda match: "l" * len(match.group(0)), token)
    if not any(char in _LEET_CHARS for char in token):
        return token
    letters = sum(char.isalpha() for char in token)
    if letters == 0 or (letters < 2 and len(token) > 3):
        return token  # a number, a time, a price: not a disguised word
    return token.translate(_LEET)


_LEET_NEAR_LETTER = re.compile(r"[^\W\d_][0134579@$€!|]|[0134579@$€!|][^\W\d_]")
# The tokens :func:`_undo_leet` can change: those with a digit or symbol it reads.
_TOKEN_WITH_LEET = re.compile(r"[^\s0134579@$€!|]*[0134579@$€!|][^\s]*")


def _words(text):
    text = _APOSTROPHES.sub("", text)
    if _LEET_NEAR_LETTER.search(text):
        text = _TOKEN_WITH_LEET.sub(lambda match: _undo_leet(match.group(0)), text)
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def normalise(text):
    """Case-folded, accent-free, look-alike-free words separated by single spaces, with a
    space at each end (so ``" kill myself "`` can be found as whole words)."""
    return f" {_words(skeleton(text))} "


def join_spaced_letters(words, vocabulary=frozenset()):
    """Join runs of single letters (``s u i c i d e``) into words, split with
    ``vocabulary`` where it can be (``k i l l m y s e l f`` → ``kill myself``)."""

    def join(match):
        letters = match.group(0).replace(" ", "")
        return f"{segment(letters, vocabulary)} "

    return _SINGLE_LETTER_RUN.sub(join, words + " ").rstrip()


def segment(letters, vocabulary):
    """``letters`` split into the fewest words of ``vocabulary``, or whole if it can't be."""
    if not vocabulary or letters in vocabulary:
        return letters
    best = [None] * (len(letters) + 1)
    best[0] = []
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - 20), end):
            piece = letters[start:end]
            if best[start] is not None and piece in vocabulary:
                if best[end] is None or len(best[start]) + 1 < len(best[end]):
                    best[end] = [*best[start], piece]
    return " ".join(best[-1]) if best[-1] else letters


def collapse_repeats(words, keep=1):
    """Runs of three or more of one letter cut to ``keep`` (``diiiie`` → ``die``)."""
    return _REPEATS.sub(lambda match: match.group(1) * keep, words)


# Texting shorthand spelt out ("want2die", "2nite", "gonna b gone b4 u wake up").
_SHORTHAND = {
    "2": "to",
    "4": "for",
    "u": "you",
    "ur": "your",
    "r": "are",
    "b": "be",
    "b4": "before",
    "2nite": "tonight",
    "2night": "tonight",
    "tonite": "tonight",
    "2day": "today",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "4ever": "forever",
    "4eva": "forever",
    "some1": "someone",
    "any1": "anyone",
    "no1": "no one",
    "every1": "everyone",
}
_DIGIT_BETWEEN_LETTERS = re.compile(r"(?<=[a-z])([24])(?=[a-z])")
_SHORTHAND_TOKEN = re.compile(
    r"\b(?:" + "|".join(sorted(_SHORTHAND, key=len, reverse=True)) + r")\b"
)


def spell_out_shorthand(words):
    """``want2die`` → ``want to die``; ``2nite`` → ``tonight``; ``u`` → ``you``."""
    words = _DIGIT_BETWEEN_LETTERS.sub(lambda match: f" {_SHORTHAND[match.group(1)]} ", words)
    return " ".join(_SHORTHAND_TOKEN.sub(lambda match: _SHORTHAND[match.group(0)], words).split())


def variants(text, vocabulary=frozenset()):
    """The forms of ``text`` every pattern is tried on (each padded with spaces)."""
    raw = skeleton(text)
    base = _words(raw)
    forms = [base]
    joined = join_spaced_letters(base, vocabulary)
    # Spaced letters joined whole too: a word the vocabulary lacks ("i d i o t") is
    # still one word for the watched words.
    whole = join_spaced_letters(base) if vocabulary else joined
    spelt = spell_out_shorthand(" ".join(_NON_WORD.sub(" ", _APOSTROPHES.sub("", raw)).split()))
    for form in (joined, collapse_repeats(joined, 1), collapse_repeats(joined, 2), whole, spelt):
        if form not in forms:
            forms.append(form)
    return tuple(f" {form} " for form in forms)
