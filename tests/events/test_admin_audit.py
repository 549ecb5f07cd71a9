"""Events and series created, edited and deleted in Wagtail admin are in the
coordinators' log with their actor (#20), done here through the real admin URLs; a
role that may not is refused and nothing is logged."""

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, EventSeries, Registration
from events.services import audit
from portal import audit as portal_audit
from portal import roles
from tests.events.test_bounded_input import _event_form, _series_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_staff):
    return make_staff(roles.CARE_COORDINATORS)


def logged(action=None):
    rows = portal_audit.entries().order_by("pk")
    return list(rows.filter(action=action) if action else rows)


def refused(response):
    return response.status_code in (302, 403)


def test_an_event_created_in_admin_is_in_the_coordinator_log(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("events_event:add"), _event_form())
    assert response.status_code == 302
    event = Event.objects.get(title="Bounded group")
    [entry] = logged()
    assert (entry.action, entry.actor, entry.target_type, entry.target_id, entry.context) == (
        audit.EVENT_CREATE,
        coordinator,
        "event",
        event.pk,
        f"event:{event.pk}",
    )
    page = client.get(reverse("events_coordinator_log")).content.decode()
    assert "Session created" in page


def _edit_form(event, **changes):
    """The event as its edit form posts it back (capacity is changed on the roster)."""
    data = {
        "title": event.title,
        "kind": event.kind,
        "description": event.description,
        "starts_at": timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
        "ends_at": timezone.localtime(event.ends_at).strftime("%Y-%m-%d %H:%M"),
        "location_kind": event.location_kind,
        "site": event.site,
        "room": event.room,
        "join_url": event.join_url,
        "max_party_size": str(event.max_party_size),
        "auto_promote_until": "02:00:00",
    }
    return data | changes


def test_an_event_edited_in_admin_is_logged_with_what_changed(client, coordinator, event):
    client.force_login(coordinator)
    response = client.post(
        reverse("events_event:edit", args=[event.pk]),
        _edit_form(event, title="Tuesday group (new room)", room="Room 5"),
    )
    assert response.status_code == 302, response.context["form"].errors
    [entry] = logged()
    assert (entry.action, entry.actor, entry.target_id) == (audit.EVENT_EDIT, coordinator, event.pk)
    assert entry.details["changed"] == ["room", "title"]
    page = client.get(reverse("events_coordinator_log")).content.decode()
    assert "Session details changed" in page and "changed: room, title" in page


def test_an_administrator_deleting_an_event_logs_the_sign_ups_that_went_with_it(
    client, superuser, event, families
):
    services.register(event, families[0], party_size=2)
    client.force_login(superuser)
    response = client.post(reverse("events_event:delete", args=[event.pk]))
    assert response.status_code == 302
    assert not Event.objects.exists() and not Registration.objects.exists()
    [entry] = logged()
    assert (entry.action, entry.actor, entry.target_id) == (audit.EVENT_DELETE, superuser, event.pk)
    assert entry.details == {"title": event.title, "deleted_registrations": 1}
    page = client.get(reverse("events_coordinator_log")).content.decode()
    assert "Session deleted" in page and "1 sign-up deleted with it" in page


def test_a_coordinator_cannot_delete_an_event_and_nothing_is_logged(client, coordinator, event):
    client.force_login(coordinator)
    assert refused(client.post(reverse("events_event:delete", args=[event.pk])))
    assert Event.objects.filter(pk=event.pk).exists()
    assert logged() == []


@pytest.mark.parametrize("role", [roles.MODERATORS, roles.CONTENT_EDITORS, roles.FAMILY_MEMBERS])
def test_who_may_not_edit_events_is_refused_and_nothing_is_logged(client, make_staff, event, role):
    client.force_login(make_staff(role))
    assert refused(client.post(reverse("events_event:add"), _event_form()))
    assert refused(
        client.post(reverse("events_event:edit", args=[event.pk]), _event_form(title="Taken"))
    )
    assert list(Event.objects.values_list("title", flat=True)) == [event.title]
    assert logged() == []


def test_a_series_created_and_edited_in_admin_is_logged_with_its_dates(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("events_series:add"), _series_form())
    assert response.status_code == 302
    series = EventSeries.objects.get(title="Bounded series")
    [entry] = logged()
    assert (entry.action, entry.actor, entry.target_type, entry.target_id) == (
        audit.SERIES_CREATE,
        coordinator,
        "series",
        series.pk,
    )
    assert entry.details["dates"] == [4, 0, 0]
    response = client.post(
        reverse("events_series:edit", args=[series.pk]), _series_form(occurrences="2")
    )
    assert response.status_code == 302
    edit = logged(audit.SERIES_EDIT)[0]
    assert (edit.actor, edit.details["changed"], edit.details["dates"]) == (
        coordinator,
        ["occurrences"],
        [0, 0, 2],
    )
    page = client.get(reverse("events_coordinator_log")).content.decode()
    assert "Series created" in page and "Series changed" in page


def test_an_administrator_deleting_a_series_is_logged(client, superuser, make_series):
    series = make_series()
    client.force_login(superuser)
    response = client.post(reverse("events_series:delete", args=[series.pk]))
    assert response.status_code == 302
    assert not EventSeries.objects.exists()
    [entry] = logged()
    assert (entry.action, entry.actor, entry.target_id) == (
        audit.SERIES_DELETE,
        superuser,
        series.pk,
    )
