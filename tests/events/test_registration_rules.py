"""Sign-up rules: confirm when the whole party fits, otherwise waitlist."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from events import services
from events.models import Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


def test_a_party_that_fits_is_confirmed(event, family_member):
    registration = services.register(event, family_member, party_size=3)
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_party_that_does_not_fit_whole_is_waitlisted(make_event, families):
    event = make_event(capacity_people=4)
    services.register(event, families[0], party_size=3)
    registration = services.register(event, families[1], party_size=2)
    assert registration.status == RegistrationStatus.WAITLISTED
    assert services.waitlist_position(registration) == 1


def test_the_family_capacity_waitlists_the_next_family_even_with_seats_left(make_event, families):
    event = make_event(capacity_people=20, capacity_families=2)
    services.register(event, families[0], party_size=1)
    services.register(event, families[1], party_size=1)
    third = services.register(event, families[2], party_size=1)
    assert third.status == RegistrationStatus.WAITLISTED


def test_submitting_twice_returns_the_same_registration(event, family_member):
    first = services.register(event, family_member, party_size=2)
    second = services.register(event, family_member, party_size=3)
    assert second.pk == first.pk
    assert second.party_size == 2
    assert Registration.objects.filter(event=event).count() == 1


def test_the_database_refuses_a_second_active_registration(event, family_member):
    services.register(event, family_member, party_size=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=event, user=family_member, party_size=1, status=RegistrationStatus.CONFIRMED
        )


def test_a_family_can_sign_up_again_after_cancelling(event, family_member):
    first = services.register(event, family_member, party_size=1)
    services.cancel_registration(first)
    again = services.register(event, family_member, party_size=1)
    assert again.pk != first.pk
    assert again.status == RegistrationStatus.CONFIRMED


def test_a_party_above_the_maximum_is_refused(event, family_member):
    with pytest.raises(services.PartyTooLarge):
        services.register(event, family_member, party_size=5)


def test_sign_up_before_the_window_opens_is_refused(make_event, family_member):
    event = make_event(registration_opens_at=timezone.now() + timedelta(days=1))
    with pytest.raises(services.RegistrationClosed):
        services.register(event, family_member, party_size=1)


def test_sign_up_after_the_window_closes_is_refused(make_event, family_member):
    event = make_event(registration_closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.RegistrationClosed):
        services.register(event, family_member, party_size=1)


def test_sign_up_after_the_start_is_refused(make_event, family_member):
    start = timezone.now() - timedelta(minutes=5)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=1))
    with pytest.raises(services.RegistrationClosed):
        services.register(event, family_member, party_size=1)


def test_sign_up_for_a_cancelled_event_is_refused(event, family_member):
    services.cancel_event(event)
    with pytest.raises(services.RegistrationClosed):
        services.register(event, family_member, party_size=1)


def test_a_newcomer_does_not_overtake_a_waiting_party_that_fits(make_event, families):
    """Close to the start nothing is promoted automatically; a newcomer still waits."""
    start = timezone.now() + timedelta(hours=1)
    event = make_event(capacity_people=2, starts_at=start, ends_at=start + timedelta(hours=1))
    first = services.register(event, families[0], party_size=2)
    waiting = services.register(event, families[1], party_size=1)
    services.cancel_registration(first)
    newcomer = services.register(event, families[2], party_size=1)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITLISTED
    assert newcomer.status == RegistrationStatus.WAITLISTED


def test_the_family_can_grow_its_party_into_free_seats(event, family_member):
    registration = services.register(event, family_member, party_size=1)
    registration = services.change_party_size(registration, 4)
    assert registration.party_size == 4
    assert registration.status == RegistrationStatus.CONFIRMED


def test_growing_beyond_the_free_seats_is_refused_and_changes_nothing(make_event, families):
    event = make_event(capacity_people=4)
    registration = services.register(event, families[0], party_size=2)
    services.register(event, families[1], party_size=2)
    with pytest.raises(services.NotEnoughSeats):
        services.change_party_size(registration, 3)
    registration.refresh_from_db()
    assert registration.party_size == 2


def test_a_family_cannot_cancel_after_the_start(make_event, family_member):
    start = timezone.now() + timedelta(hours=1)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=1))
    registration = services.register(event, family_member, party_size=1)
    with pytest.raises(services.RegistrationClosed):
        services.cancel_registration(registration, now=start + timedelta(minutes=1))


def test_cancelling_twice_is_harmless(event, family_member):
    registration = services.register(event, family_member, party_size=1)
    services.cancel_registration(registration)
    again = services.cancel_registration(registration)
    assert again.status == RegistrationStatus.CANCELLED


def test_events_of_a_cohort_series_refuse_single_date_sign_up(cohort_series, family_member):
    event = cohort_series.events.first()
    with pytest.raises(services.RegistrationClosed):
        services.register(event, family_member, party_size=1)


def test_growing_a_party_never_takes_seats_a_waiting_party_fits(make_event, families):
    """Within the last two hours freed seats wait for a coordinator, not for growth."""
    start = timezone.now() + timedelta(hours=1)
    event = make_event(capacity_people=3, starts_at=start, ends_at=start + timedelta(hours=1))
    growing = services.register(event, families[0], party_size=1)
    leaving = services.register(event, families[1], party_size=2)
    services.register(event, families[2], party_size=1)  # waits: the event is full
    services.cancel_registration(leaving)  # 2 seats free, no automatic promotion
    with pytest.raises(services.NotEnoughSeats):
        services.change_party_size(growing, 2)


def test_a_family_grows_into_free_seats_when_only_the_family_cap_keeps_others_waiting(
    make_event, families
):
    # 2 families max, 10 people: the third family waits for a family place, not for
    # seats, so it cannot use the free seats and must not block a confirmed family.
    event = make_event(capacity_people=10, capacity_families=2)
    first = services.register(event, families[0], party_size=1)
    services.register(event, families[1], party_size=1)
    waiting = services.register(event, families[2], party_size=1)
    assert waiting.status == RegistrationStatus.WAITLISTED

    grown = services.change_party_size(first, 3)

    assert grown.party_size == 3
    assert grown.status == RegistrationStatus.CONFIRMED
