"""The plan chart's geometry: a month axis over every window, and one that stays drawable
(bounded, within the calendar) whatever years a stored plan has."""

from __future__ import annotations

import datetime as dt

from liaison.projects.chart import LABEL, WIDTH, Plan, chart

TODAY = dt.date(2024, 1, 31)


def plan(key: str, first: dt.date, last: dt.date, original: bool = True) -> Plan:
    window = (first, last)
    return Plan(key, key.title(), "scheduled", window if original else None, window)


def test_the_axis_runs_from_the_first_month_to_after_the_last_by_month():
    geometry = chart([plan("rail", dt.date(2024, 3, 1), dt.date(2024, 3, 31))], TODAY)
    assert (geometry.start, geometry.end) == (dt.date(2024, 1, 1), dt.date(2024, 4, 1))
    assert [t.label for t in geometry.ticks] == ["Jan 2024", "Feb 2024", "Mar 2024"]
    bar = geometry.rows[0].current
    assert bar is not None
    # March is 31 of the axis's 91 days, after 60.
    assert bar.x == round(LABEL + WIDTH * 60 / 91, 1)
    assert bar.width == round(round(LABEL + WIDTH * 91 / 91, 1) - bar.x, 1)


def test_a_plan_ending_on_the_last_day_of_the_calendar_is_cut_at_the_axis():
    geometry = chart([plan("forever", dt.date(2024, 3, 1), dt.date(9999, 12, 31))], TODAY)
    assert geometry.end == dt.date(2050, 1, 1)  # 25 years after today's year, whole
    bar = geometry.rows[0].current
    assert bar is not None
    assert bar.x + bar.width == LABEL + WIDTH
    # 26 years of months would be 312 ticks: a long axis gets one a year.
    assert [t.label for t in geometry.ticks][:3] == ["2024", "2025", "2026"]
    assert len(geometry.ticks) == 26


def test_a_plan_wholly_outside_the_axis_still_shows_at_its_edge():
    geometry = chart(
        [
            plan("ancient", dt.date(1, 1, 1), dt.date(1, 12, 31)),
            plan("far", dt.date(9999, 12, 1), dt.date(9999, 12, 31), original=False),
        ],
        TODAY,
    )
    assert geometry.start == dt.date(1999, 1, 1)
    assert geometry.end == dt.date(2050, 1, 1)
    ancient, far = (row.current for row in geometry.rows)
    assert ancient is not None and far is not None
    assert (ancient.x, ancient.width) == (LABEL, 2.0)
    assert (far.x, far.width) == (LABEL + WIDTH - 2.0, 2.0)
    assert geometry.today is not None and LABEL < geometry.today < LABEL + WIDTH
    assert geometry.rows[0].slip_days == 0


def test_no_plan_no_axis():
    geometry = chart([Plan("idea", "Idea", "proposed", None, None)], TODAY)
    assert geometry.ticks == [] and geometry.start is None and geometry.rows[0].current is None
