"""Which of many regular expressions *can* match a text, found in one pass over it.

Python's ``re`` scans a text once per pattern, and the screening patterns are long
alternations of words: on a 2,000-character message that was most of the screen's cost.
RE2 (``google-re2``) compiles many patterns into one automaton and reads the text once
(``RE2::Set``). Its syntax lacks lookarounds and its word edge and classes know only
ASCII, so each pattern is first widened into one RE2 can run and that matches wherever
the Python pattern does (:func:`re2_superset`); the Python pattern then confirms. The
answer is therefore the same as running every Python pattern, only sooner.
"""

import re2

# Python's ``\s`` on str: every character ``str.isspace()`` accepts.
_SPACE_CLASS = r"\pZ\t\n\x0b\f\r\x1c-\x1f\x{85}"
_WIDENED = {
    "\\w": (r"\pL\pN_", r"[\pL\pN_]"),  # (inside a class, outside)
    "\\d": (r"\p{Nd}", r"\p{Nd}"),
    "\\s": (_SPACE_CLASS, f"[{_SPACE_CLASS}]"),
}
_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")


def re2_superset(source):
    """``source`` (Python ``re`` syntax) as an RE2 pattern that matches wherever it does,
    and perhaps more.

    - lookarounds (which RE2 lacks) and word edges (RE2's knows only ASCII letters) are
      dropped: an assertion removed can only let more text match;
    - ``\\w``, ``\\d`` and ``\\s`` take every script's letters, digits and spaces, as
      Python's do; ``\\W``, ``\\D`` and ``\\S`` are ASCII in RE2, so already wider.
    """
    out = []
    skipping = 0  # depth inside a dropped lookaround
    in_class = False
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            pair = source[index : index + 2]
            if not skipping:
                if pair in _WIDENED:
                    out.append(_WIDENED[pair][0 if in_class else 1])
                elif pair != "\\b" or in_class:  # a word edge is dropped
                    out.append(pair)
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            opener = next((o for o in _LOOKAROUNDS if source.startswith(o, index)), None)
            if opener or skipping:
                skipping += 1
                index += len(opener or "(")
                continue
        elif char == ")" and skipping:
            skipping -= 1
            index += 1
            continue
        if not skipping:
            out.append(char)
        index += 1
    return "".join(out)


class Prefilter:
    """Which of ``sources`` (Python patterns) can match a text, in one pass.

    If RE2 cannot answer (its automaton out of memory on a pathological text), a
    sentinel pattern that always matches is missing from its answer, and every pattern
    is reported as possible: slower, never wrong."""

    def __init__(self, sources, *, ignore_case=False):
        options = re2.Options()
        options.max_mem = 64 << 20
        options.never_capture = True
        options.log_errors = False
        options.case_sensitive = not ignore_case
        self._set = re2.Set.SearchSet(options)
        for source in sources:
            self._set.Add(re2_superset(source))
        self._all = frozenset(range(len(sources)))
        self._sentinel = self._set.Add(r"\z")
        self._set.Compile()

    def possible(self, text):
        """The indices of the patterns that may match ``text``."""
        found = self._set.Match(text) or ()
        if self._sentinel not in found:
            return self._all
        return frozenset(found) - {self._sentinel}
