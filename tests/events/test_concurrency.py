"""No overbooking under concurrency, on whichever engine the suite runs (CI runs both).

Every thread has its own database connection, so the registrations really race: on
PostgreSQL the event row lock orders them, on SQLite ``BEGIN IMMEDIATE`` does.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum

from events import services
from events.models import Registration, RegistrationStatus, SeriesMode

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THREADS = 50


def _race(work, arguments):
    """Run ``work(argument)`` for every argument at once; return results and errors."""
    barrier = threading.Barrier(len(arguments))

    def run(argument):
        try:
            barrier.wait(timeout=30)
            return work(argument), None
        except Exception as error:  # noqa: BLE001 - the test reports every error
            return None, error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        outcomes = list(pool.map(run, arguments))
    return [result for result, _ in outcomes], [error for _, error in outcomes if error]


def _confirmed_people(event):
    return Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).aggregate(
        people=Sum("party_size", default=0)
    )["people"]


def test_fifty_concurrent_single_sign_ups_confirm_exactly_ten(make_event, make_family_member):
    event = make_event(capacity_people=10)
    users = [make_family_member() for _ in range(THREADS)]
    results, errors = _race(lambda user: services.register(event, user, party_size=1), users)
    assert errors == []
    assert _confirmed_people(event) == 10
    statuses = [registration.status for registration in results]
    assert statuses.count(RegistrationStatus.WAITLISTED) == THREADS - 10


def test_concurrent_parties_of_mixed_sizes_never_overbook(make_event, make_family_member):
    event = make_event(capacity_people=10)
    parties = [(make_family_member(), 1 + n % 3) for n in range(THREADS)]
    _results, errors = _race(
        lambda party: services.register(event, party[0], party_size=party[1]), parties
    )
    assert errors == []
    confirmed = _confirmed_people(event)
    assert confirmed <= 10
    waiting_sizes = Registration.objects.filter(
        event=event, status=RegistrationStatus.WAITLISTED
    ).values_list("party_size", flat=True)
    # Exactly the parties that fit were confirmed: no waiting party fits the seats left.
    assert min(waiting_sizes) > 10 - confirmed
    assert Registration.objects.filter(event=event).count() == THREADS


def test_concurrent_double_submissions_keep_one_registration(event, family_member):
    results, errors = _race(
        lambda _n: services.register(event, family_member, party_size=1), list(range(10))
    )
    assert errors == []
    assert len({registration.pk for registration in results}) == 1


def test_concurrent_cohort_enrolments_are_all_or_nothing(make_series, make_family_member):
    series = make_series(mode=SeriesMode.COHORT, capacity_people=5)
    users = [make_family_member() for _ in range(20)]

    def enrol(user):
        try:
            return services.enrol_in_cohort(series, user, party_size=1)
        except services.CohortFull:
            return []

    _results, errors = _race(enrol, users)
    assert errors == []
    per_family = [
        Registration.objects.filter(user=user, status=RegistrationStatus.CONFIRMED).count()
        for user in users
    ]
    assert sorted(set(per_family)) == [0, 4]
    assert per_family.count(4) == 5
    for event in series.events.all():
        assert _confirmed_people(event) == 5
