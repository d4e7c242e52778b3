"""The page plumbing: ``office_page`` shows a lookup that found nothing as the same 404
page as an unknown office, whichever way the lookup says so."""

from __future__ import annotations

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from liaison.lib.errors import NotFound
from liaison.web.pages import office_page

pytestmark = pytest.mark.django_db


def page_raising(exc: Exception):
    @office_page
    def view(request, office, member) -> HttpResponse:
        raise exc

    return view


@pytest.mark.parametrize("exc", [NotFound("No such draft."), Http404("No such session.")])
def test_a_lookup_that_finds_nothing_is_the_404_page(world, exc):
    request = RequestFactory().get("/")
    request.user = world.south_head.user
    response = page_raising(exc)(request, slug=world.office.slug)
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.content.decode()


def test_an_office_the_user_is_not_a_member_of_is_the_same_404_page(world):
    request = RequestFactory().get("/")
    request.user = world.outsider
    response = page_raising(AssertionError("the view is not reached"))(
        request, slug=world.office.slug
    )
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.content.decode()
