"""Absurd input on the main forms is refused on the form, never a 500 (found by submitting the demo's forms)."""

from __future__ import annotations

import pytest

from costs.models import CostPeriod

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "start", "end"), [("quarter", "0001-01-01", ""), ("custom", "9999-10-01", "9999-12-31")]
)
def test_cost_period_in_year_1_or_9999_is_refused_on_the_form(client_for, coordinator, space, kind, start, end):
    client = client_for(coordinator)

    response = client.post(f"/en/spaces/{space.slug}/costs/new/", {"kind": kind, "start": start, "end": end})

    assert response.status_code == 200
    assert "between the years 1900 and 2999" in response.content.decode()
    assert not CostPeriod.objects.filter(space=space).exists()


def test_cost_period_in_year_1_is_a_400_in_the_api(api, coordinator, space):
    response = api(coordinator).post(
        f"/api/v1/spaces/{space.pk}/cost-periods", {"kind": "quarter", "start": "0001-01-01"}, format="json"
    )

    assert response.status_code == 400
    assert "start" in response.json()["fields"]


@pytest.mark.parametrize(
    "path",
    [
        "/en/spaces/{slug}/bookings/?date={day}",
        "/en/spaces/{slug}/bookings/day/?date={day}",
        "/en/find/?date={day}&start=09:00&end=18:00&duration=60",
        "/en/programme/?date={day}",
    ],
)
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_in_year_1_or_9999_in_a_link_is_no_server_error(client_for, member, space, path, day):
    response = client_for(member).get(path.format(slug=space.slug, day=day))

    assert response.status_code == 200


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-13"])
def test_network_visitors_of_a_month_in_year_1_or_9999_is_no_server_error(client_for, coordinator, space, month):
    response = client_for(coordinator).get(f"/en/spaces/{space.slug}/network/visitors/?month={month}")

    assert response.status_code in (200, 400)


@pytest.mark.parametrize("path", ["/en/programme/", "/en/programme/projects/"])
def test_a_huge_page_number_is_no_server_error(client, path):
    response = client.get(f"{path}?page=999999999999")

    assert response.status_code == 200
