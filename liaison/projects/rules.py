"""Pure rules for joint projects: the status machine, dependency cycles, waiting."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# The usual order of a project's life. A change outside it (completed back to proposed,
# say) is allowed only with a reason, and shows as such in the history.
MACHINE: dict[str, frozenset[str]] = {
    "proposed": frozenset({"agreed", "postponed", "pending", "cancelled"}),
    "agreed": frozenset({"scheduled", "in_progress", "postponed", "pending", "cancelled"}),
    "scheduled": frozenset({"in_progress", "postponed", "pending", "completed", "cancelled"}),
    "in_progress": frozenset({"postponed", "pending", "completed", "cancelled"}),
    "postponed": frozenset({"agreed", "scheduled", "in_progress", "pending", "cancelled"}),
    "pending": frozenset({"agreed", "scheduled", "in_progress", "postponed", "cancelled"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
}
# Statuses that say the project is held up: a statement of one names its blockers.
HELD_UP = frozenset({"postponed", "pending"})


def in_order(current: str, new: str) -> bool:
    """Whether ``current`` → ``new`` follows the machine."""
    return new in MACHINE.get(current, frozenset())


def find_cycle(
    edges: Mapping[str, Iterable[str]], project: str, depends_on: str
) -> list[str] | None:
    """The cycle that ``project`` → ``depends_on`` would close, as a path of keys from
    ``project`` back to itself, or None. ``edges`` maps a project to what it depends on."""
    if project == depends_on:
        return [project, project]
    # Depth-first from depends_on: reaching project closes the cycle.
    stack: list[tuple[str, list[str]]] = [(depends_on, [project, depends_on])]
    seen = {depends_on}
    while stack:
        node, path = stack.pop()
        for nxt in sorted(edges.get(node, ())):
            if nxt == project:
                return [*path, project]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None
