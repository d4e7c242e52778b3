"""Template filters for the project pages: how far a plan slipped, and a plan's window,
said the same way on the board, the chart and a project's page."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


def _amount(days: int) -> str:
    """Whole weeks as weeks (a plan usually moves by weeks), anything else in days."""
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


@register.filter
def slip(days: int | None) -> str:
    """``3 weeks late``, ``2 days early``, ``on time``; empty without two plans."""
    if days is None:
        return ""
    if days == 0:
        return "on time"
    return f"{_amount(abs(days))} {'late' if days > 0 else 'early'}"


@register.filter
def window(start: dt.date | None, end: dt.date | None) -> str:
    """``1 Mar \u2013 31 Mar 2024`` (the year once when both days share it)."""
    if start is None or end is None:
        return ""
    if start == end:
        return _day(start)
    first = f"{start.day} {start:%b}" if start.year == end.year else _day(start)
    return f"{first} \u2013 {_day(end)}"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"
