"""Template filters for the record pages: naming the member behind a username."""

from __future__ import annotations

from django import template

from liaison.offices.models import Member

register = template.Library()


@register.filter
def person(people: dict[str, Member], username: str) -> Member | None:
    """The member with this username (records keep usernames, pages show names)."""
    return people.get(username)


@register.filter
def side_names(keys: list[str], sides: dict[str, str]) -> str:
    """Side keys as their names, joined: ``The South and The North``."""
    return " and ".join(sides.get(k, k) for k in keys)


@register.filter
def get_side(values: dict[str, object], key: str) -> object | None:
    """``values[key]`` for a dict keyed by side key, or None."""
    return values.get(key)
