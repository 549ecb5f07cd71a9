"""portal.compiled: a read compiled once by the ORM, run with new values each time."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from portal.compiled import CompiledQuery
from portal.models import User
from portal.roles import MODERATORS
from tests.factories import AccountFactory, ModeratorFactory

pytestmark = pytest.mark.django_db


def _roles_query(builds):
    def build(account):
        builds.append(account)
        return (
            User.objects.annotate(
                moderator=Exists(Group.objects.filter(user=OuterRef("pk"), name=MODERATORS))
            )
            .filter(pk=account)
            .values_list("email", "is_active", "moderator")[:1]
        )

    return build


def test_rows_match_the_orm_and_follow_each_change():
    builds = []
    query = CompiledQuery(_roles_query(builds), "account")
    moderator, plain = ModeratorFactory(), AccountFactory()

    for account in (moderator, plain):
        expected = _roles_query([])(account.pk).get()
        email, active, is_moderator = query.fetchone(account=account.pk)
        assert (email, bool(active), bool(is_moderator)) == expected

    # Not a cache of answers: a role taken away shows at once.
    moderator.groups.clear()
    assert bool(query.fetchone(account=moderator.pk)[2]) is False
    assert query.fetchone(account=-1) is None


def test_compiles_once_and_runs_one_statement():
    builds = []
    query = CompiledQuery(_roles_query(builds), "account")
    account = AccountFactory()
    query.fetchone(account=account.pk)
    compiled_after_first = len(builds)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            query.fetchone(account=account.pk)
    assert len(builds) == compiled_after_first  # no new compilation
    assert len(queries.captured_queries) == 3


def test_a_value_that_is_not_a_parameter_is_refused():
    query = CompiledQuery(lambda account: User.objects.values_list("pk")[:1], "account")
    with pytest.raises(ValueError, match="'account' is not a parameter"):
        query.fetchone(account=1)


def test_every_value_must_be_given():
    query = CompiledQuery(_roles_query([]), "account")
    with pytest.raises(TypeError):
        query.fetchone()
    with pytest.raises(TypeError):
        query.fetchone(account=1, room=2)


def test_a_value_compared_with_a_32_bit_column_is_a_parameter_too():
    """Markers stay in a 32-bit integer's range, so a lookup on such a column keeps its
    marker as a parameter (Django folds out-of-range values into "matches nothing")."""
    query = CompiledQuery(
        lambda group: Group.objects.filter(pk=group).values_list("name")[:1], "group"
    )
    group = Group.objects.create(name="Compiled")
    assert query.fetchone(group=group.pk) == ("Compiled",)
