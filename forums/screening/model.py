"""The statistical layer: a linear model for crisis wording the patterns miss.

Trained from the labelled development corpus in this repository
(``corpus/dev/*.tsv``) with a fixed seed, in about a second, when first needed (a
server warms it at start: ``portal.asgi``). Nothing is downloaded, nothing is pickled:
the same files give the same model. It is the field's usual baseline — logistic
regression on word and character n-grams (scikit-learn) — and it is explainable: the
words that pushed a message towards "crisis" are the reasons a moderator reads.

A long message is read whole by the model (scoring its sentences apart and taking the
highest raised false holds from 7 % to 20 % on the development corpus); the patterns
read it sentence by sentence, so one crisis sentence in the middle of ordinary news is
still found by them.
"""

import csv
import functools
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from portal.text_normalisation import collapse_repeats, join_spaced_letters, normalise, variants

CORPUS = Path(__file__).parent / "corpus"
DEV = CORPUS / "dev"
HELDOUT = CORPUS / "heldout"
SEED = 20261202
# The pattern analysis's weight beside the n-grams (chosen by cross-validation on the
# development corpus, with C and the n-gram ranges: bench/README.md).
RULE_WEIGHT = 0.3
WORD_PATTERN = r"(?u)\b\w+\b"  # one-letter words count too ("i", "y")
# Words too common to explain anything to a moderator.
_PLAIN_WORDS = frozenset(
    "a an and are as at be but by de do el en es for from had has have he her his i im in "
    "is it its la las lo los me my no not of on or our que se she so that the their them "
    "they this to un una was we were y ya you".split()
)


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
            for number, row in enumerate(
                csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            ):
                if len(row) != 2:
                    raise ValueError(f"{path}:{number + 1}: expected 'category<TAB>text'")
                examples.append(
                    Example(
                        row[1], label == "crisis", language, row[0], f"{path.name}:{number + 1}"
                    )
                )
    return examples


def model_text(text, vocabulary=frozenset()):
    """The form the model reads: normalised, spaced letters joined, repeats collapsed."""
    return collapse_repeats(join_spaced_letters(normalise(text).strip(), vocabulary), 2)


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
            ngram_range=(1, 2), min_df=1, sublinear_tf=True, token_pattern=WORD_PATTERN
        )
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True, max_features=60000
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
            C=64.0, class_weight="balanced", max_iter=3000, random_state=seed, solver="liblinear"
        )
        self.classifier.fit(features, labels)
        # Scoring reads the fitted weights directly (the same arithmetic as
        # ``predict_proba`` on the transformed row, without building a sparse matrix
        # for each message). Words and word pairs: per term, its idf and its weight.
        coef = np.asarray(self.classifier.coef_[0], dtype=np.float64)
        self._word_terms = self.words.build_analyzer()
        self._word_index = self.words.vocabulary_
        self._word_names = {index: term for term, index in self._word_index.items()}
        self._word_idf = np.asarray(self.words.idf_, dtype=np.float64)
        self._word_coef = coef[: len(self._word_index)]
        # Character n-grams are taken word by word (``char_wb``), so a word's n-grams are
        # looked up once and cached.
        offset = len(self._word_index)
        self._char_terms = self.chars.build_analyzer()
        self._char_index = self.chars.vocabulary_
        self._char_idf = np.asarray(self.chars.idf_, dtype=np.float64)
        self._char_coef = coef[offset : offset + len(self._char_index)]
        self._word_char_indices = functools.lru_cache(maxsize=20_000)(self._char_indices)
        offset += len(self._char_index)
        self._rule_weights = [float(weight) * RULE_WEIGHT for weight in coef[offset:]]
        self._intercept = float(self.classifier.intercept_[0])

    def _char_indices(self, word):
        """The columns of the character n-grams of one word that the model knows."""
        index = self._char_index
        return tuple(index[term] for term in self._char_terms(word) if term in index)

    @staticmethod
    def _block(columns, idf, coef):
        """A block's share of the decision: sublinear tf-idf of ``columns``, normalised,
        times the weights; and the columns with each one's contribution."""
        if not columns:
            return 0.0, (), ()
        present, repeats = np.unique(np.asarray(columns, dtype=np.int64), return_counts=True)
        values = (1.0 + np.log(repeats)) * idf[present]
        shares = values * coef[present] / math.sqrt(float(values @ values))
        return float(shares.sum()), present, shares

    def analyse(self, text):
        from forums.screening import rules

        return rules.analyse(text, self.rule_set, self.vocabulary)

    def _rule_block(self, analyses):
        from forums.screening import rules

        rows = [rules.features(analysis, self.rule_set) for analysis in analyses]
        return self._csr(rows) * RULE_WEIGHT

    def features(self, texts, analyses):
        """The rows the classifier was trained on (for checks: :meth:`score` computes
        the same without them)."""
        return self._hstack(
            [self.words.transform(texts), self.chars.transform(texts), self._rule_block(analyses)]
        ).tocsr()

    def probability(self, text):
        """The probability that ``text`` is a crisis message."""
        return self.score(text)[0]

    def score(self, text, analysis=None, *, explain=False):
        """``(probability, words)``: the probability that the message is a crisis, and
        (with ``explain``) up to three words or phrases that raised it most."""
        from forums.screening import rules

        analysis = analysis or self.analyse(text)
        prepared = model_text(text, self.vocabulary)
        index = self._word_index
        word_total, present, shares = self._block(
            [index[term] for term in self._word_terms(prepared) if term in index],
            self._word_idf,
            self._word_coef,
        )
        columns = []
        for word in prepared.split():
            columns += self._word_char_indices(word)
        char_total = self._block(columns, self._char_idf, self._char_coef)[0]
        total = self._intercept + word_total + char_total
        for value, weight in zip(
            rules.features(analysis, self.rule_set), self._rule_weights, strict=True
        ):
            total += value * weight
        probability = 1.0 / (1.0 + math.exp(-total)) if total > -700 else 0.0
        if not explain:
            return probability, ()
        contributions = [
            (float(share), self._word_names[int(column)])
            for column, share in zip(present, shares, strict=True)
            if share > 0
        ]
        return probability, self._explain(contributions)

    @staticmethod
    def _explain(contributions):
        words = []
        for _weight, phrase in sorted(contributions, reverse=True):
            if set(phrase.split()) <= _PLAIN_WORDS:
                continue
            if not any(phrase in kept or kept in phrase for kept in words):
                words.append(phrase)
            if len(words) == 3:
                break
        return tuple(words)


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
