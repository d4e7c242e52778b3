import pytest
from django.urls import reverse

from liaison.ledger.models import Event
from liaison.offices.models import Member, Office
from liaison.testing import OPERATOR, PASSWORD, make_user

CHARTER = {
    "slug": "panmunjom",
    "name": "Panmunjom Channel",
    "place": "Panmunjom",
    "time_zone": "Asia/Seoul",
    "launched_on": "2024-03-01",
    "first_key": "south",
    "first_name": "The South",
    "first_language": "ko",
    "first_time_zone": "Asia/Seoul",
    "second_key": "north",
    "second_name": "The North",
    "second_language": "ko",
    "second_time_zone": "Asia/Pyongyang",
}


@pytest.fixture
def operator_client(client, world):
    client.login(username=OPERATOR, password=PASSWORD)
    return client


def test_operator_charters_an_office_through_the_log(operator_client):
    response = operator_client.post(reverse("admin:offices_office_add"), CHARTER)
    assert response.status_code == 302
    office = Office.objects.get(id="panmunjom")
    assert [s.key for s in office.sides.all()] == ["south", "north"]
    event = Event.objects.get(log__office="panmunjom")
    assert event.type == "office.chartered" and event.actor == OPERATOR


def test_charter_with_unknown_zone_is_a_form_error_and_writes_nothing(operator_client):
    before = Event.objects.count()
    response = operator_client.post(
        reverse("admin:offices_office_add"), {**CHARTER, "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert "unknown time zone" in response.content.decode()
    assert Event.objects.count() == before


def test_charter_with_taken_name_is_a_form_error(operator_client, world):
    response = operator_client.post(
        reverse("admin:offices_office_add"), {**CHARTER, "slug": world.office.id}
    )
    assert "already exists" in response.content.decode()


def test_operator_adds_a_member_and_a_second_head_is_refused(operator_client, world):
    make_user("newcomer")
    data = {
        "office": world.office.id,
        "username": "newcomer",
        "full_name": "New Comer",
        "role": "staff",
        "side": "south",
    }
    response = operator_client.post(reverse("admin:offices_member_add"), data)
    assert response.status_code == 302
    assert Member.objects.get(office=world.office, username="newcomer").side.key == "south"
    make_user("pretender")
    response = operator_client.post(
        reverse("admin:offices_member_add"),
        {**data, "username": "pretender", "full_name": "Pretender", "role": "head"},
    )
    assert "already has a head" in response.content.decode()


def test_projections_cannot_be_edited_or_deleted_in_the_admin(operator_client, world):
    url = reverse("admin:offices_member_change", args=[world.south_head.pk])
    response = operator_client.post(url, {"full_name": "Someone Else"})
    assert response.status_code == 403
    world.south_head.refresh_from_db()
    assert world.south_head.full_name == "South Head"


def test_a_staff_account_that_is_not_superuser_cannot_add(client, world):
    user = make_user("clerk")
    user.is_staff = True
    user.save()
    client.login(username="clerk", password=PASSWORD)
    response = client.post(reverse("admin:offices_office_add"), CHARTER)
    assert response.status_code == 403
    assert not Office.objects.filter(id="panmunjom").exists()
