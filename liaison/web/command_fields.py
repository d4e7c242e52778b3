"""Form fields made from a command's fields, so a form declares how a field looks (its
label, widget, help) and never again what it accepts: the command checks that, and its
messages land on the form's fields (``ActionForm.add_refusal``).

The browser still gets the limits as attributes (``maxlength``, ``required``, ``min``,
``max``), which help a person as they type; the server's word is the command's.
"""

from __future__ import annotations

import datetime as dt
import types
from typing import Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from django import forms

from liaison.lib.commands import Command
from liaison.lib.fields import limit_of


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``| None``, and whether None was allowed."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _bound(info: Any, *kinds: type) -> Any:
    for item in info.metadata:
        if isinstance(item, kinds):
            # annotated_types' bounds are slotted dataclasses: no ``vars``.
            return next(getattr(item, n) for n in ("ge", "gt", "le", "lt") if hasattr(item, n))
    return None


def field_for(
    command: type[Command],
    name: str,
    *,
    label: str,
    widget: forms.Widget | None = None,
    help_text: str = "",
    choices: list[tuple[str, str]] | None = None,
    **kwargs: Any,
) -> forms.Field:
    """A form field for ``command``'s field ``name``: the right kind of field, required
    and limited as the command says. The field itself checks only what it must to hand
    the command a value (a date that parses); every other rule is the command's."""
    info = command.model_fields[name]
    annotation, _optional = _unwrap(info.annotation)
    required = info.is_required()
    attrs: dict[str, Any] = {"required": True} if required else {}
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": False}
    if annotation is bool:
        return forms.BooleanField(**common, widget=widget, **kwargs)
    if annotation is int:
        low, high = _bound(info, Ge, Gt), _bound(info, Le, Lt)
        attrs |= {"inputmode": "numeric"}
        attrs |= {k: v for k, v in (("min", low), ("max", high)) if v is not None}
        field: forms.Field = forms.IntegerField(
            **common, widget=widget or forms.NumberInput(), **kwargs
        )
    elif annotation is dt.date:
        field = forms.DateField(
            **common, widget=widget or forms.DateInput(attrs={"type": "date"}), **kwargs
        )
    elif annotation is dt.time:
        field = forms.TimeField(
            **common, widget=widget or forms.TimeInput(attrs={"type": "time"}), **kwargs
        )
    elif get_origin(annotation) is Literal or choices is not None:
        options = choices or [(str(v), str(v)) for v in get_args(annotation)]
        field = forms.ChoiceField(**common, choices=options, widget=widget, **kwargs)
    else:
        limit = limit_of(info)
        if limit is not None:
            attrs["maxlength"] = limit
        # Django strips the value and keeps "" for empty; the command strips too.
        field = forms.CharField(**common, widget=widget or forms.TextInput(), **kwargs)
    field.widget.attrs.update({k: v for k, v in attrs.items() if k not in field.widget.attrs})
    return field
