"""Two readouts of one session, statement by statement: what both sides say, and what
only one side claims. Pure functions over text; no database.

A readout is split into statements (paragraphs and sentences, list markers dropped).
Two statements say the same thing when their content words overlap enough (the Dice
coefficient of their word sets, ``THRESHOLD``); each statement pairs with at most one
statement of the other readout, best pairs first. It is a reader's aid, not a judge:
the page shows both texts in full next to the pairing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

THRESHOLD = 0.5

# Quotation marks and dashes by code point: \u2018-\u201d quotes, \u2013 en dash.
_SENTENCE_END = re.compile("(?<=[.!?])[\"'\u2019\u201d)]*\\s+(?=[\"'\u2018\u201c(]*[A-Z0-9])")
_MARKER = re.compile("^\\s*(?:[-*\u2022\u2013]|\\d+[.)]|\\([a-z0-9]+\\))\\s+")
_BREAK = re.compile("\n\\s*\n|\n(?=\\s*(?:[-*\u2022\u2013]|\\d+[.)])\\s)")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(
    (  # noqa: SIM905 - a word list reads best as words
        "a an the and or but of to in on at by for with from as is are was were be been being "
        "it its this that these those their they them both two sides side also which who will "
        "would shall should has have had not no so than then there into about over such"
    ).split(" ")
)


def statements(text: str) -> list[str]:
    """The readout's statements in order."""
    result: list[str] = []
    for paragraph in _BREAK.split(text):
        paragraph = _MARKER.sub("", " ".join(paragraph.split()))
        result.extend(s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip())
    return result


def _words(statement: str) -> frozenset[str]:
    return frozenset(
        w[:-1] if len(w) > 4 and w.endswith("s") else w
        for w in (m.lower() for m in _WORD.findall(statement))
        if w not in _STOP
    )


def _dice(wa: frozenset[str], wb: frozenset[str]) -> float:
    if not wa or not wb:
        return 0.0
    return 2 * len(wa & wb) / (len(wa) + len(wb))


def similarity(a: str, b: str) -> float:
    return _dice(_words(a), _words(b))


@dataclass(frozen=True)
class Row:
    """One line of the comparison: a statement of each side, or of one side only."""

    left: str | None
    right: str | None
    score: float

    @property
    def shared(self) -> bool:
        return self.left is not None and self.right is not None

    @property
    def only(self) -> str | None:
        """``"left"`` or ``"right"`` when only that side makes the statement."""
        if self.shared:
            return None
        return "left" if self.left is not None else "right"


def compare(left: str | None, right: str | None) -> list[Row]:
    """Pair the statements of two readouts (either may be missing).

    Rows follow the left readout's order, each with its counterpart; statements only the
    right readout makes follow, in its order."""
    lefts = statements(left) if left else []
    rights = statements(right) if right else []
    # Each statement's words once: the pairing compares every left with every right.
    left_words = [_words(a) for a in lefts]
    right_words = [_words(b) for b in rights]
    scored = sorted(
        (
            (score, i, j)
            for i, wa in enumerate(left_words)
            for j, wb in enumerate(right_words)
            if (score := _dice(wa, wb)) >= THRESHOLD
        ),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    pair_of_left: dict[int, tuple[int, float]] = {}
    taken_right: set[int] = set()
    for score, i, j in scored:
        if i in pair_of_left or j in taken_right:
            continue
        pair_of_left[i] = (j, score)
        taken_right.add(j)
    rows = []
    for i, statement in enumerate(lefts):
        if i in pair_of_left:
            j, score = pair_of_left[i]
            rows.append(Row(statement, rights[j], round(score, 2)))
        else:
            rows.append(Row(statement, None, 0.0))
    rows.extend(Row(None, s, 0.0) for j, s in enumerate(rights) if j not in taken_right)
    return rows
