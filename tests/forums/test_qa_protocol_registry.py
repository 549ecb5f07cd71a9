"""The live Q&A frames as the server defines them (``QA_SERVER_FRAMES``) and as the page's
script reads them (forums/static/forums/qa.js, on the shared forums/static/forums/live.js):
the same frame types, and only fields the frames have."""

import re
from pathlib import Path

import pytest

from forums.qa.protocol import (
    QA_SERVER_FRAMES,
    ModeratorQuestion,
    OwnQuestion,
    PublicQuestion,
    QAAckFrame,
    SessionView,
    SnapshotFrame,
    VoteTally,
)

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "forums" / "static" / "forums"
QA_PACKAGE = ROOT / "forums" / "qa"


def _script(name):
    return (STATIC / name).read_text(encoding="utf-8")


def _function_body(source, signature):
    """The text between the braces of the function declared by ``signature``."""
    start = source.index(signature)
    opening = source.index("{", start)
    depth = 0
    for position in range(opening, len(source)):
        if source[position] == "{":
            depth += 1
        elif source[position] == "}":
            depth -= 1
            if depth == 0:
                return source[opening + 1 : position]
    raise AssertionError(f"unbalanced braces after {signature!r}")


def _cases(body):
    """``{frame type: the text of its case}`` of a ``switch (frame.type)``."""
    parts = re.split(r'case "([\w.]+)":', body)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _fields(model):
    return set(model.model_fields)


def _reads(pattern, text):
    return set(re.findall(pattern, text))


QA_JS = _script("qa.js")
ON_FRAME = _cases(_function_body(QA_JS, "function onFrame(frame)"))
# Frames the shared socket handles itself: the snapshot, acks, errors and pongs.
LIVE_JS_TYPES = _reads(r'frame\.type === "([\w.]+)"', _script("live.js"))


def test_the_script_handles_every_frame_type_the_endpoint_sends_and_no_other():
    handled = set(ON_FRAME) | LIVE_JS_TYPES
    assert {"snapshot", "ack", "error", "pong"} <= LIVE_JS_TYPES
    assert handled == QA_SERVER_FRAMES.types, (
        f"qa.js and live.js handle {sorted(handled)}, the server sends "
        f"{sorted(QA_SERVER_FRAMES.types)}"
    )


@pytest.mark.parametrize("frame_type", sorted(ON_FRAME))
def test_the_script_reads_only_fields_each_frame_has(frame_type):
    reads = _reads(r"\bframe\.(\w+)", ON_FRAME[frame_type])
    assert reads, f"qa.js reads nothing of {frame_type!r}: is the case still parsed?"
    assert reads <= _fields(QA_SERVER_FRAMES.models[frame_type])


def test_the_script_reads_only_fields_the_snapshot_has():
    reads = _reads(r"\bframe\.(\w+)", _function_body(QA_JS, "function applySnapshot(frame)"))
    assert {"session", "questions", "mine", "moderation", "my_votes", "counts"} <= reads
    assert reads <= _fields(SnapshotFrame)


def test_the_script_reads_only_fields_the_acks_have():
    reads = _reads(r"\back\.(\w+)", QA_JS)
    assert {"state", "crisis", "notice", "votes"} <= reads
    assert reads <= _fields(QAAckFrame)


def test_the_script_reads_only_fields_the_question_views_have():
    # Every name qa.js gives a question (or a vote tally merged into one); not the frame
    # types in quotes ("question.added").
    names = r"""(?<![\w."'])(?:q|question|partial|current|merged|before|pinned|frame\.question)"""
    reads = _reads(names + r"\.(\w+)", QA_JS) - {"has", "get", "set", "delete"}
    views = (PublicQuestion, OwnQuestion, ModeratorQuestion, VoteTally)
    assert {"id", "text", "name", "votes", "state", "pinned", "mine", "urgent"} <= reads
    assert reads <= set().union(*(_fields(view) for view in views))


def test_the_script_reads_only_fields_the_session_has():
    reads = _reads(r"\b(?:state|frame)\.session\.(\w+)", QA_JS)
    assert "state" in reads
    assert reads <= _fields(SessionView)


def test_no_frame_in_forums_qa_is_a_dict_literal():
    """Every frame the feature sends is a model of forums/qa/protocol.py."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(QA_PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"""["']type["']\s*:""", line) or "ack_frame(" in line
    ]
    assert offenders == []
