import datetime as dt

from liaison.meetings import actions
from liaison.meetings.overview import dashboard, session_detail
from liaison.testing import weekly


def test_world_checks_in_and_dashboard_shows_it(world):
    weekly(world)
    start = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)  # 10:00 Seoul
    actions.check_in(member=world.south_head, key="weekly-20240105T1000", now=start)
    detail = session_detail(world.office, "weekly-20240105T1000", start + dt.timedelta(hours=1))
    assert [s.attendance.value for s in detail.sides] == ["present", "no_show"]
    board = dashboard(world.office, start + dt.timedelta(hours=1))
    assert board.recent[0].session.key == "weekly-20240105T1000"
