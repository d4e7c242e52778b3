"""The consent rules a record keeps, checked on its events alone: no Django, no database.

``liaison verify`` runs it over the office's stored events, and the offline verifier
(``liaison/bundle/check.py``) over a bundle's, so either side can show, from the logs
only, that nothing bound it without its own act:

- every answer (``proposal.accepted``/``declined``/``withdrawn``) names a proposal
  (a ``cadence.proposed``, ``cadence.end_proposed``, ``session.proposed`` or
  ``session.move_proposed`` event) in the right log — an acceptance or a refusal in the
  other side's log, a withdrawal in the proposer's own — answers it once, and accepts
  or declines it before its deadline (``BAD_ANSWER``);
- every check-in and notice of absence names a session the two sides agreed before it
  was written: an ad hoc session whose proposal the other side accepted, or an occurrence
  of a cadence the other side accepted (``UNAGREED_SESSION``). No-shows are derived from
  agreed sessions only, so none can follow from a session one side set alone.

The reference's hash is checked elsewhere (``BAD_REFERENCE``); here a reference is taken
by its place (side, seq).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

PROPOSALS = frozenset(
    {"cadence.proposed", "cadence.end_proposed", "session.proposed", "session.move_proposed"}
)
ANSWERS = frozenset({"proposal.accepted", "proposal.declined", "proposal.withdrawn"})
ATTENDANCE = frozenset({"session.checked_in", "session.absence_noticed"})
TYPES = PROPOSALS | ANSWERS | ATTENDANCE
ADHOC_PREFIX = "adhoc-"


@dataclass(frozen=True)
class ConsentProblem:
    kind: str
    side: str
    seq: int
    detail: str


def _instant(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


@dataclass
class ConsentChecker:
    """Fed an office's events in commit order; collects what breaks the rules."""

    proposals: dict[tuple[str, int], tuple[str, dict[str, Any]]] = field(default_factory=dict)
    answered: dict[tuple[str, int], str] = field(default_factory=dict)  # -> where
    sessions: set[str] = field(default_factory=set)  # ad hoc sessions agreed
    cadences: set[str] = field(default_factory=set)  # cadence keys agreed
    problems: list[ConsentProblem] = field(default_factory=list)

    def feed(self, side: str, seq: int, type: str, body: Any, at: str) -> None:
        if type not in TYPES or not isinstance(body, dict):
            return
        if type in PROPOSALS:
            self.proposals[(side, seq)] = (type, body)
        elif type in ANSWERS:
            self._answer(side, seq, type, body, at)
        else:
            self._attendance(side, seq, type, body)

    def _problem(self, kind: str, side: str, seq: int, detail: str) -> None:
        self.problems.append(ConsentProblem(kind, side, seq, detail))

    def _answer(self, side: str, seq: int, type: str, body: dict[str, Any], at: str) -> None:
        ref = body.get("ref")
        if not isinstance(ref, dict):
            self._problem("BAD_ANSWER", side, seq, "it names no proposal")
            return
        place = (str(ref.get("side")), ref.get("seq"))
        named = f"{place[0]}#{place[1]}"
        proposal = self.proposals.get(place)  # type: ignore[arg-type]
        if proposal is None:
            self._problem("BAD_ANSWER", side, seq, f"it answers {named}, which is no proposal")
            return
        if type == "proposal.withdrawn" and place[0] != side:
            self._problem(
                "BAD_ANSWER", side, seq, f"it withdraws {named}, the other side's proposal"
            )
            return
        if type != "proposal.withdrawn" and place[0] == side:
            self._problem("BAD_ANSWER", side, seq, f"it answers {named}, its own side's proposal")
            return
        if place in self.answered:
            self._problem(
                "BAD_ANSWER",
                side,
                seq,
                f"it answers {named}, already answered at {self.answered[place]}",
            )
            return
        self.answered[place] = f"{side}#{seq}"  # type: ignore[index]
        kind, details = proposal
        deadline, when = _instant(details.get("answer_by")), _instant(at)
        if type != "proposal.withdrawn" and (deadline is None or when is None or when >= deadline):
            self._problem("BAD_ANSWER", side, seq, f"it answers {named} after it lapsed")
            return
        if type != "proposal.accepted":
            return
        if kind == "session.proposed":
            self.sessions.add(str(details.get("key")))
        elif kind == "cadence.proposed":
            self.cadences.add(str(details.get("key")))

    def _attendance(self, side: str, seq: int, type: str, body: dict[str, Any]) -> None:
        key = str(body.get("session"))
        if key.startswith(ADHOC_PREFIX):
            agreed = key in self.sessions
        else:
            agreed = key.rpartition("-")[0] in self.cadences
        if not agreed:
            what = "a check-in to" if type == "session.checked_in" else "a notice of absence for"
            self._problem(
                "UNAGREED_SESSION",
                side,
                seq,
                f"{what} {key}, a session the two sides never agreed",
            )
