"""Roles are groups from a data migration; staff reach Wagtail admin, families never do."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission

from portal import roles

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group():
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.ALL_ROLES)


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_staff_roles_reach_the_admin(client, make_staff, role):
    client.force_login(make_staff(role))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200


def test_family_member_never_reaches_the_admin(client, family_member):
    client.force_login(family_member)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert not family_member.has_perm("wagtailadmin.access_admin")
    assert client.get("/admin/pages/").status_code in (302, 403)


def test_moderators_cannot_edit_pages_but_reviewers_can_publish():
    moderators = Group.objects.get(name=roles.MODERATORS)
    reviewers = Group.objects.get(name=roles.CLINICAL_REVIEWERS)
    editors = Group.objects.get(name=roles.CONTENT_EDITORS)

    def page_permissions(group):
        return set(
            GroupPagePermission.objects.filter(group=group).values_list(
                "permission__codename", flat=True
            )
        )

    assert page_permissions(moderators) == set()
    assert {"add_page", "change_page", "publish_page"} <= page_permissions(reviewers)
    assert "publish_page" not in page_permissions(editors)
    assert {"add_page", "change_page"} <= page_permissions(editors)


def test_editors_and_reviewers_can_edit_the_crisis_resources(make_staff):
    assert make_staff(roles.CONTENT_EDITORS).has_perm("portal.change_crisisresources")
    assert make_staff(roles.CLINICAL_REVIEWERS).has_perm("portal.change_crisisresources")
    assert not make_staff(roles.MODERATORS).has_perm("portal.change_crisisresources")


def test_coordinator_sees_admin_but_not_the_user_list(client, make_staff):
    client.force_login(make_staff(roles.CARE_COORDINATORS))
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert client.get(reverse("wagtailusers_users:index")).status_code in (302, 403)


def test_administrator_creates_a_staff_account_with_a_role_in_wagtail_admin(client, superuser):
    from portal.models import User

    client.force_login(superuser)
    moderators = Group.objects.get(name=roles.MODERATORS)

    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "new.moderator@example.test",
            "first_name": "Jo",
            "last_name": "Rivera",
            "password1": "a-Long-pass-1234",
            "password2": "a-Long-pass-1234",
            "is_active": "on",
            "groups": [moderators.pk],
        },
    )

    assert response.status_code == 302
    created = User.objects.get(email="new.moderator@example.test")
    assert list(created.groups.all()) == [moderators]
    assert created.has_perm("wagtailadmin.access_admin")


def test_site_wide_workflow_asks_clinical_reviewers_and_says_so():
    from wagtail.models import Page, Workflow

    home = Page.objects.get(depth=2)
    workflow = home.get_workflow()
    assert workflow.name == "Review before publishing"
    task = workflow.tasks.get().specific
    assert task.name == "Clinical reviewers approval"
    assert list(task.groups.values_list("name", flat=True)) == [roles.CLINICAL_REVIEWERS]
    assert not Workflow.objects.filter(name__icontains="Moderators").exists()


def test_the_admin_asks_no_third_party_for_avatars(client, make_staff):
    from portal import roles

    client.force_login(make_staff(roles.CONTENT_EDITORS))
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "gravatar" not in page.content.decode().lower()


# What docs/roles-and-privacy.md promises each role in the admin: clinical reviewers can
# do everything content editors can (the organisation's details, answered questions and
# "Add to FAQ"); moderators and coordinators neither.
EDITORIAL = {roles.CONTENT_EDITORS, roles.CLINICAL_REVIEWERS}


def _organisation_url():
    from portal.models import OrganisationSettings

    row = OrganisationSettings.load()
    return reverse("wagtailsettings:edit", args=["portal", "organisationsettings", row.pk])


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_editors_and_reviewers_and_only_they_edit_the_organisation_details(
    client, make_staff, role
):
    client.force_login(make_staff(role))
    response = client.get(_organisation_url())
    if role in EDITORIAL:
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)
    menu_url = reverse("wagtailsettings:edit", args=["portal", "organisationsettings"])
    settings_menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert (menu_url in settings_menu) == (role in EDITORIAL)


def test_a_clinical_reviewer_saves_the_organisation_details(client, make_staff):
    from portal.models import OrganisationSettings

    client.force_login(make_staff(roles.CLINICAL_REVIEWERS))
    response = client.post(
        _organisation_url(),
        {
            "name": "Riverside Family Program",
            "program_name": "IOP Family Program",
            "address": "",
            "phone": "",
            "email": "",
            "hours": "",
        },
    )
    assert response.status_code == 302
    assert OrganisationSettings.load().name == "Riverside Family Program"


@pytest.mark.parametrize("role", [*roles.STAFF_ROLES, "administrator"])
def test_answered_questions_and_add_to_faq_are_for_editors_reviewers_and_administrators(
    client, make_staff, superuser, role
):
    user = superuser if role == "administrator" else make_staff(role)
    client.force_login(user)
    response = client.get(reverse("forums_question:index"))
    if role in EDITORIAL or role == "administrator":
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)
