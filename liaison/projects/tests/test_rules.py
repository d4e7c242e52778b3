"""The pure rules: the status machine, cycle detection, and the chart's geometry."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.projects.chart import LABEL, WIDTH, Plan, chart
from liaison.projects.rules import MACHINE, find_cycle, in_order


@pytest.mark.parametrize(
    ("current", "new", "expected"),
    [
        ("proposed", "agreed", True),
        ("agreed", "scheduled", True),
        ("scheduled", "completed", True),
        ("postponed", "scheduled", True),
        ("pending", "in_progress", True),
        ("completed", "proposed", False),
        ("cancelled", "agreed", False),
        ("proposed", "completed", False),
        ("in_progress", "proposed", False),
    ],
)
def test_the_machine(current, new, expected):
    assert in_order(current, new) is expected


def test_every_status_is_in_the_machine():
    assert set(MACHINE) == {s for targets in MACHINE.values() for s in targets} | {"proposed"}


def test_no_cycle_in_a_chain_or_a_diamond():
    edges = {"c": ["b"], "b": ["a"], "d": ["b", "c"]}
    assert find_cycle(edges, "e", "d") is None
    assert find_cycle(edges, "d", "a") is None


def test_a_cycle_is_named_from_the_new_edge_back():
    edges = {"groundbreaking": ["study"], "study": ["survey"]}
    assert find_cycle(edges, "survey", "groundbreaking") == [
        "survey",
        "groundbreaking",
        "study",
        "survey",
    ]
    assert find_cycle(edges, "x", "x") == ["x", "x"]


def test_the_chart_puts_both_windows_on_one_axis_by_month():
    october = (dt.date(2018, 10, 1), dt.date(2018, 10, 31))
    december = (dt.date(2018, 12, 1), dt.date(2018, 12, 31))
    drawn = chart(
        [
            Plan("show", "Show", "postponed", october, december),
            Plan("study", "Study", "pending", october, october),
            Plan("idea", "Idea", "proposed", None, None),
        ],
        today=dt.date(2018, 11, 2),
    )
    assert (drawn.start, drawn.end) == (dt.date(2018, 10, 1), dt.date(2019, 1, 1))
    assert [t.label for t in drawn.ticks] == ["Oct 2018", "Nov 2018", "Dec 2018"]
    show, study, idea = drawn.rows
    assert show.original is not None and show.current is not None
    assert show.original.x == LABEL
    assert show.current.x > show.original.x + show.original.width
    assert show.slip_days == 61 and study.slip_days == 0
    assert idea.original is None and idea.current is None
    assert study.current == study.original
    assert LABEL < drawn.today < LABEL + WIDTH  # type: ignore[operator]
    assert drawn.rows[2].y > drawn.rows[1].y > drawn.rows[0].y


def test_a_chart_without_plans_has_no_axis():
    drawn = chart([Plan("idea", "Idea", "proposed", None, None)], today=dt.date(2018, 11, 2))
    assert drawn.ticks == [] and drawn.today is None and len(drawn.rows) == 1
