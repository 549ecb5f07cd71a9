"""What coordinators do: capacity, cancelling a session, attendance, moving a family."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from events import services
from events.models import Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


def test_raising_the_capacity_promotes_waiting_parties(make_event, families):
    event = make_event(capacity_people=2)
    services.register(event, families[0], party_size=2)
    waiting = services.register(event, families[1], party_size=2)
    services.change_capacity(event, people=4)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_lowering_the_capacity_keeps_every_confirmed_family(make_event, families):
    event = make_event(capacity_people=6)
    kept = [services.register(event, family, party_size=2) for family in families[:3]]
    services.change_capacity(event, people=2)
    assert {Registration.objects.get(pk=r.pk).status for r in kept} == {
        RegistrationStatus.CONFIRMED
    }


def test_after_lowering_the_capacity_new_families_wait(make_event, families):
    event = make_event(capacity_people=6)
    services.register(event, families[0], party_size=4)
    services.change_capacity(event, people=4)
    newcomer = services.register(event, families[1], party_size=1)
    assert newcomer.status == RegistrationStatus.WAITLISTED


def test_a_capacity_below_one_is_refused(event):
    with pytest.raises(services.SignupError):
        services.change_capacity(event, people=0)


def test_cancelling_a_session_cancels_and_tells_every_family(
    make_event, families, django_capture_on_commit_callbacks
):
    event = make_event(capacity_people=2)
    services.register(event, families[0], party_size=2)
    services.register(event, families[1], party_size=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(event, notice="We will meet again next week.")
    assert not Registration.objects.filter(event=event).exclude(status="cancelled").exists()
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted([families[0].email, families[1].email])
    assert "We will meet again next week." in mail.outbox[0].body


def test_attendance_records_the_people_who_came(event, family_member):
    registration = services.register(event, family_member, party_size=3)
    registration = services.mark_attendance(registration, attended_people=2, now=event.starts_at)
    assert registration.status == RegistrationStatus.ATTENDED
    assert registration.attended_people == 2


def test_zero_people_marks_a_no_show(event, family_member):
    registration = services.register(event, family_member, party_size=3)
    registration = services.mark_attendance(registration, attended_people=0, now=event.starts_at)
    assert registration.status == RegistrationStatus.NO_SHOW


def test_attendance_above_the_party_is_refused(event, family_member):
    registration = services.register(event, family_member, party_size=2)
    with pytest.raises(services.SignupError):
        services.mark_attendance(registration, attended_people=3, now=event.starts_at)


def test_attendance_is_refused_before_the_session_starts(event, family_member):
    registration = services.register(event, family_member, party_size=2)
    with pytest.raises(services.SignupError, match="from the start"):
        services.mark_attendance(registration, attended_people=2)
    registration.refresh_from_db()
    assert (registration.status, registration.attended_people) == ("confirmed", None)


def test_attendance_is_accepted_from_the_first_minute_of_the_session(event, family_member):
    registration = services.register(event, family_member, party_size=2)
    marked = services.mark_attendance(registration, attended_people=1, now=event.starts_at)
    assert marked.status == RegistrationStatus.ATTENDED


def test_a_capacity_above_the_bound_is_refused_by_the_service(event):
    with pytest.raises(services.SignupError):
        services.change_capacity(event, people=1001)
    with pytest.raises(services.SignupError):
        services.change_capacity(event, people=10, families=501)
    event.refresh_from_db()
    assert event.capacity_people == 10


def test_the_database_refuses_attendance_above_the_party(event, family_member):
    registration = services.register(event, family_member, party_size=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(attended_people=5)


def test_moving_a_family_confirms_it_on_the_new_date(make_event, families):
    source = make_event()
    target = make_event(starts_at=source.starts_at + timedelta(days=7))
    registration = services.register(source, families[0], party_size=2)
    moved = services.move_registration(registration, target)
    registration.refresh_from_db()
    assert (moved.event_id, moved.status) == (target.pk, RegistrationStatus.CONFIRMED)
    assert registration.status == RegistrationStatus.CANCELLED


def test_moving_a_family_frees_its_seats_for_the_old_waitlist(make_event, families):
    source = make_event(capacity_people=2)
    target = make_event(starts_at=source.starts_at + timedelta(days=7))
    registration = services.register(source, families[0], party_size=2)
    waiting = services.register(source, families[1], party_size=2)
    services.move_registration(registration, target)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_moving_to_a_full_date_waitlists_the_family(make_event, families):
    source = make_event()
    target = make_event(starts_at=source.starts_at + timedelta(days=7), capacity_people=1)
    services.register(target, families[1], party_size=1)
    registration = services.register(source, families[0], party_size=2)
    moved = services.move_registration(registration, target)
    assert moved.status == RegistrationStatus.WAITLISTED


def test_moving_to_a_date_the_family_already_has_is_refused(make_event, families):
    source = make_event()
    target = make_event(starts_at=source.starts_at + timedelta(days=7))
    services.register(target, families[0], party_size=1)
    registration = services.register(source, families[0], party_size=1)
    with pytest.raises(services.AlreadyRegistered):
        services.move_registration(registration, target)


def test_moving_a_party_larger_than_the_date_allows_is_refused_and_keeps_the_seat(
    make_event, families
):
    source = make_event(max_party_size=4)
    target = make_event(starts_at=source.starts_at + timedelta(days=7), max_party_size=2)
    registration = services.register(source, families[0], party_size=3)
    with pytest.raises(services.PartyTooLarge):
        services.move_registration(registration, target)
    registration.refresh_from_db()
    assert (registration.event_id, registration.status) == (source.pk, RegistrationStatus.CONFIRMED)
    assert not target.registrations.exists()


def test_moving_tells_the_family(make_event, families, django_capture_on_commit_callbacks):
    source = make_event()
    target = make_event(starts_at=source.starts_at + timedelta(days=7))
    registration = services.register(source, families[0], party_size=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.move_registration(registration, target)
    assert [m.to for m in mail.outbox] == [[families[0].email]]
