from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.lib import clock
from liaison.lib.timezones import DayOutOfRange, check_day, end_of_day, localize
from liaison.offices.models import Office
from liaison.timeline.build import timeline
from liaison.timeline.items import KINDS


def _day(option: str, value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--{option} {value!r} is not a date like 2018-11-02") from None
    try:
        return check_day(day)
    except DayOutOfRange as exc:
        raise CommandError(f"--{option} {exc}") from None


class Command(BaseCommand):
    help = (
        "The office's chronology: session outcomes, records, readouts, minutes signatures "
        "and commitment changes, in date order."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("office")
        parser.add_argument("--from", dest="from_", help="first day (YYYY-MM-DD), office time")
        parser.add_argument("--to", help="last day (YYYY-MM-DD), office time; default today")
        parser.add_argument(
            "--kind", action="append", choices=KINDS, help="only items of this kind (repeatable)"
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        office = Office.objects.filter(id=options["office"]).first()
        if office is None:
            raise CommandError(f"unknown office {options['office']!r}")
        now = clock.now()
        first = _day("from", options["from_"]) if options["from_"] else office.launched_on
        last = _day("to", options["to"]) if options["to"] else now.astimezone(office.zone).date()
        if last < first:
            raise CommandError(f"--to {last} is before --from {first}")
        start = localize(dt.datetime.combine(first, dt.time()), office.zone)
        items = timeline(office, start, end_of_day(last, office.zone), now, options["kind"])
        if options["json"]:
            data = {
                "office": office.id,
                "from": first.isoformat(),
                "to": last.isoformat(),
                "items": [item.as_json() for item in items],
            }
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"{office.name}: {first} to {last}, {len(items)} items")
        for item in items:
            side = f" [{item.side}]" if item.side else ""
            self.stdout.write(f"{item.date}  {item.kind:<18} {item.title}{side}")
