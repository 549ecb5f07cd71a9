"""The statistical layer: a linear model for crisis wording the patterns miss.

Trained from the labelled development corpus in this repository
(``corpus/dev/*.tsv``) with a fixed seed, in about a second, when first needed (a
server warms it at start: ``portal.asgi``). Nothing is downloaded, nothing is pickled:
the same files give the same model. It is the field's usual baseline — logistic
regression on word and character n-grams (scikit-learn) — and it is explainable: the
words that pushed a message towards "crisis" are the reasons a moderator reads.

A long message is scored sentence by sentence as well as whole, so one crisis sentence
in the middle of ordinary news is not diluted by the rest.
"""

import csv
import threading
from dataclasses import dataclass
from pathlib import Path

from portal.text_normalisation import collapse_repeats, join_spaced_letters, variants

CORPUS = Path(__file__).parent / "corpus"
DEV = CORPUS / "dev"
HELDOUT = CORPUS / "heldout"
SEED = 20261202
# Words too common to explain anything to a moderator.
_PLAIN_WORDS = frozenset(
    "a an and are as at be but by de do el en es for from had has have he her his i im in "
    "is it its la las lo los me my no not of on or our que se she so that the their them "
    "they this to un una was we were y ya you".split()
)
WINDOW_WORDS = 30


@dataclass(frozen=True)
class Example:
    text: str
    crisis: bool
    language: str
    category: str
    source: str


def read_corpus(folder):
    """Every example in ``folder``: files ``<lang>-crisis*.tsv`` / ``<lang>-ordinary*.tsv``
    with lines ``category<TAB>text``."""
    examples = []
    for path in sorted(Path(folder).glob("*.tsv")):
        language, label = path.stem.split("-")[:2]
        with path.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)):
                if len(row) != 2:
                    raise ValueError(f"{path}:{number + 1}: expected 'category<TAB>text'")
                examples.append(
                    Example(row[1], label == "crisis", language, row[0], f"{path.name}:{number + 1}")
                )
    return examples


def model_text(text, vocabulary=frozenset()):
    """The form the model reads: normalised, spaced letters joined, repeats collapsed."""
    base = variants(text, vocabulary)[0].strip()
    return collapse_repeats(join_spaced_letters(base, vocabulary), 2)


def windows(text):
    """Pieces of a long message scored on their own: sentences, and for text without
    punctuation, overlapping runs of words."""
    from forums.screening.rules import sentences

    pieces = [piece for piece in sentences(text) if len(piece.split()) >= 3]
    words = text.split()
    if len(words) > WINDOW_WORDS:
        step = WINDOW_WORDS // 2
        for start in range(0, len(words) - step, step):
            pieces.append(" ".join(words[start : start + WINDOW_WORDS]))
    return pieces if len(pieces) > 1 else []


class CrisisModel:
    """A trained classifier: :meth:`score` gives the probability of crisis and the words
    that pushed it there."""

    def __init__(self, examples, *, seed=SEED, rule_set=None):
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        from forums.screening import rules

        self._hstack = hstack
        self._csr = csr_matrix
        self.rule_set = rule_set or rules.load()
        self.vocabulary = frozenset(
            word for example in examples for word in variants(example.text)[0].split()
        )
        texts = [model_text(example.text, self.vocabulary) for example in examples]
        labels = [int(example.crisis) for example in examples]
        self.words = TfidfVectorizer(
            ngram_range=(1, 3), min_df=1, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"
        )
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=60000
        )
        analyses = [self.analyse(example.text) for example in examples]
        features = hstack(
            [
                self.words.fit_transform(texts),
                self.chars.fit_transform(texts),
                self._rule_block(analyses),
            ]
        ).tocsr()
        self.classifier = LogisticRegression(
            C=8.0, class_weight="balanced", max_iter=3000, random_state=seed, solver="liblinear"
        )
        self.classifier.fit(features, labels)
        self._word_names = self.words.get_feature_names_out()
        self._word_weights = self.classifier.coef_[0][: len(self._word_names)]

    def analyse(self, text):
        from forums.screening import rules

        return rules.analyse(text, self.rule_set, self.vocabulary)

    def _rule_block(self, analyses):
        from forums.screening import rules

        return self._csr([rules.features(analysis, self.rule_set) for analysis in analyses])

    def _features(self, texts, analyses):
        return self._hstack(
            [self.words.transform(texts), self.chars.transform(texts), self._rule_block(analyses)]
        ).tocsr()

    def probability(self, text):
        """The highest crisis probability of the message and of its pieces."""
        return self.score(text)[0]

    def score(self, text, analysis=None):
        """``(probability, words)``: the highest probability over the whole message and
        its pieces (each read with the whole message's pattern analysis), and up to three
        words or phrases that raised it most."""
        analysis = analysis or self.analyse(text)
        pieces = [text, *windows(text)]
        texts = [model_text(piece, self.vocabulary) for piece in pieces]
        features = self._features(texts, [analysis] * len(pieces))
        probabilities = self.classifier.predict_proba(features)[:, 1]
        best = int(probabilities.argmax())
        row = features[best]
        word_part = row[:, : len(self._word_names)]
        contributions = sorted(
            (
                (value * self._word_weights[index], self._word_names[index])
                for index, value in zip(word_part.indices, word_part.data, strict=True)
                if self._word_weights[index] > 0
            ),
            reverse=True,
        )
        words = []
        for _weight, phrase in contributions:
            if set(phrase.split()) <= _PLAIN_WORDS:
                continue
            if not any(phrase in kept or kept in phrase for kept in words):
                words.append(phrase)
            if len(words) == 3:
                break
        return float(probabilities[best]), tuple(words)


_model = None
_lock = threading.Lock()


def get_model():
    """The process's model, trained from ``corpus/dev`` on first use (thread-safe)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = CrisisModel(read_corpus(DEV))
    return _model
