"""The party waitlist and its fairness policy: arrival order, first fit, place kept."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import RegistrationStatus

pytestmark = pytest.mark.django_db


def _statuses(*registrations):
    for registration in registrations:
        registration.refresh_from_db()
    return [registration.status for registration in registrations]


def test_a_cancellation_promotes_the_first_waiting_party(make_event, families):
    event = make_event(capacity_people=3)
    holder = services.register(event, families[0], party_size=3)
    first = services.register(event, families[1], party_size=2)
    second = services.register(event, families[2], party_size=1)
    services.cancel_registration(holder)
    assert _statuses(first, second) == [RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED]


def test_a_party_too_large_is_passed_over_and_keeps_its_place(make_event, families):
    """Mixed sizes: 2 seats free; a party of 3 waits first, a party of 2 behind it."""
    event = make_event(capacity_people=4)
    holder = services.register(event, families[0], party_size=2)
    services.register(event, families[1], party_size=2)
    big = services.register(event, families[2], party_size=3)
    small = services.register(event, families[3], party_size=2)
    services.cancel_registration(holder)
    assert _statuses(big, small) == [RegistrationStatus.WAITLISTED, RegistrationStatus.CONFIRMED]
    assert services.waitlist_position(big) == 1


def test_the_passed_over_party_is_first_at_the_next_opening(make_event, families):
    event = make_event(capacity_people=4)
    holder_a = services.register(event, families[0], party_size=2)
    holder_b = services.register(event, families[1], party_size=2)
    big = services.register(event, families[2], party_size=3)
    small = services.register(event, families[3], party_size=2)
    later = services.register(event, families[4], party_size=1)
    services.cancel_registration(holder_a)  # 2 free: big passed over, small confirmed
    services.cancel_registration(holder_b)  # 2 free again: big (3) still too large
    assert _statuses(big, small, later) == [
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
    ]
    services.change_capacity(event, people=6)
    assert _statuses(big) == [RegistrationStatus.CONFIRMED]


def test_arrival_order_decides_between_parties_that_both_fit(make_event, families):
    event = make_event(capacity_people=2)
    holder = services.register(event, families[0], party_size=2)
    earlier = services.register(event, families[1], party_size=2)
    later = services.register(event, families[2], party_size=2)
    services.cancel_registration(holder)
    assert _statuses(earlier, later) == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    ]


def test_a_shrinking_party_frees_seats_for_the_waitlist(make_event, families):
    event = make_event(capacity_people=4)
    holder = services.register(event, families[0], party_size=4)
    waiting = services.register(event, families[1], party_size=2)
    services.change_party_size(holder, 2)
    assert _statuses(waiting) == [RegistrationStatus.CONFIRMED]


def test_a_waiting_party_that_changes_size_keeps_its_place(make_event, families):
    event = make_event(capacity_people=2)
    services.register(event, families[0], party_size=2)
    first = services.register(event, families[1], party_size=2)
    services.register(event, families[2], party_size=1)
    services.change_party_size(first, 3)
    assert services.waitlist_position(first) == 1


def test_promotion_stops_two_hours_before_the_start(make_event, families):
    start = timezone.now() + timedelta(minutes=90)
    event = make_event(capacity_people=2, starts_at=start, ends_at=start + timedelta(hours=1))
    holder = services.register(event, families[0], party_size=2)
    waiting = services.register(event, families[1], party_size=2)
    services.cancel_registration(holder)
    assert _statuses(waiting) == [RegistrationStatus.WAITLISTED]


def test_the_cut_off_is_configurable_per_event(make_event, families):
    start = timezone.now() + timedelta(minutes=90)
    event = make_event(
        capacity_people=2,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        auto_promote_until=timedelta(minutes=30),
    )
    holder = services.register(event, families[0], party_size=2)
    waiting = services.register(event, families[1], party_size=2)
    services.cancel_registration(holder)
    assert _statuses(waiting) == [RegistrationStatus.CONFIRMED]


def test_a_coordinator_can_promote_by_hand_after_the_cut_off(make_event, families):
    start = timezone.now() + timedelta(minutes=30)
    event = make_event(capacity_people=2, starts_at=start, ends_at=start + timedelta(hours=1))
    holder = services.register(event, families[0], party_size=2)
    waiting = services.register(event, families[1], party_size=2)
    services.cancel_registration(holder)
    services.promote_by_hand(waiting)
    assert _statuses(waiting) == [RegistrationStatus.CONFIRMED]


def test_promotion_by_hand_never_overbooks(make_event, families):
    event = make_event(capacity_people=2)
    services.register(event, families[0], party_size=2)
    waiting = services.register(event, families[1], party_size=1)
    with pytest.raises(services.NotEnoughSeats):
        services.promote_by_hand(waiting)


def test_a_promoted_family_is_emailed_with_a_cancel_link(
    make_event, families, django_capture_on_commit_callbacks
):
    event = make_event(capacity_people=2)
    holder = services.register(event, families[0], party_size=2)
    services.register(event, families[1], party_size=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(holder)
    promoted = [m for m in mail.outbox if families[1].email in m.to]
    assert len(promoted) == 1
    assert "/events/cancel/" in promoted[0].body


def test_the_waitlisted_email_gives_the_position(
    make_event, families, django_capture_on_commit_callbacks
):
    event = make_event(capacity_people=1)
    services.register(event, families[0], party_size=1)
    services.register(event, families[1], party_size=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.register(event, families[2], party_size=1)
    assert "position 2" in mail.outbox[0].body
