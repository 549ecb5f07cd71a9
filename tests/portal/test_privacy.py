"""The privacy hub: download my data, delete my account, and the registry's coverage."""

import json

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from portal import privacy, services
from portal.models import EmergencyContact, Profile, User

pytestmark = pytest.mark.django_db


def test_every_model_that_points_at_a_user_belongs_to_a_privacy_holder():
    missing = privacy.unregistered_personal_models()
    assert missing == [], f"Register these models with portal.privacy: {missing}"


def test_a_model_whose_app_forgot_to_register_is_reported():
    holder = privacy.unregister("portal")
    try:
        missing = privacy.unregistered_personal_models()
    finally:
        privacy.register(
            "portal",
            models=holder.models,
            export=holder.export,
            erase=holder.erase,
            order=holder.order,
        )
    assert Profile in missing
    assert EmergencyContact in missing


def test_a_new_app_model_with_a_user_key_is_caught(settings):
    """A model added to a feature app without registering fails the coverage check."""

    class Bookmark(models.Model):
        owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

        class Meta:
            app_label = "events"

    try:
        assert Bookmark in privacy.unregistered_personal_models()
    finally:
        del apps.all_models["events"]["bookmark"]
        apps.clear_cache()


def test_download_my_data_is_a_json_attachment_with_everything_about_me(client, family_member):
    services.save_emergency_contact(family_member, name="Ana", phone="555-222-3333")
    client.force_login(family_member)

    response = client.get(reverse("portal:download_my_data"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment;" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    core = data["apps"]["portal"]
    assert core["account"]["email"] == "maria@example.test"
    assert core["profile"]["display_name"] == "Hopeful Mom"
    assert core["emergency_contact"] == {"name": "Ana", "phone": "555-222-3333", "relationship": ""}
    assert core["email_addresses"] == [
        {"email": "maria@example.test", "verified": True, "primary": True}
    ]
    assert "password" not in json.dumps(data)


def test_my_data_never_contains_another_family(client, make_family_member):
    me = make_family_member(email="me@example.test", display_name="Calm Sea")
    make_family_member(email="other@example.test", display_name="Other Family")
    client.force_login(me)

    text = client.get(reverse("portal:download_my_data")).content.decode()

    assert "other@example.test" not in text
    assert "Other Family" not in text


def test_download_needs_login(client):
    response = client.get(reverse("portal:download_my_data"))
    assert response.status_code == 302


def test_delete_account_refuses_a_wrong_password_and_keeps_everything(client, family_member):
    client.force_login(family_member)
    response = client.post(reverse("portal:delete_account"), {"password": "not-it"})

    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert User.objects.filter(pk=family_member.pk).exists()


def test_delete_account_erases_through_every_holder_and_logs_out(client, family_member, password):
    services.save_emergency_contact(family_member, name="Ana", phone="555-222-3333")
    client.force_login(family_member)
    erased = []
    privacy.register(
        "test-app",
        models=[],
        export=lambda user: {},
        erase=lambda user: erased.append(user.pk),
        order=10,
    )
    try:
        response = client.post(reverse("portal:delete_account"), {"password": password})
    finally:
        privacy.unregister("test-app")

    assert response.status_code == 302
    assert response.url == reverse("portal:account_deleted")
    assert erased == [family_member.pk]
    assert not User.objects.filter(pk=family_member.pk).exists()
    assert not Profile.objects.filter(user_id=family_member.pk).exists()
    assert not EmergencyContact.objects.filter(user_id=family_member.pk).exists()
    assert client.get(reverse("portal:account")).status_code == 302


def test_a_failing_holder_rolls_the_whole_deletion_back(family_member):
    def broken_erase(user):
        raise RuntimeError("holder failed")

    privacy.register(
        "test-broken", models=[], export=lambda user: {}, erase=broken_erase, order=2000
    )
    try:
        with pytest.raises(RuntimeError):
            services.delete_account(family_member)
    finally:
        privacy.unregister("test-broken")

    assert User.objects.filter(pk=family_member.pk).exists()
    assert Profile.objects.filter(user=family_member).exists()


def test_holders_need_callables():
    with pytest.raises(TypeError):
        privacy.register("bad", models=[], export=None, erase=lambda user: None)


def test_wagtail_admin_preferences_are_exported_and_erased(make_staff):
    from wagtail.users.models import UserProfile

    from portal import roles

    staff = make_staff(roles.CONTENT_EDITORS)
    UserProfile.objects.create(user=staff, preferred_language="es")

    exported = privacy.export_user_data(staff)["apps"]["portal"]["admin_preferences"]
    assert exported["preferred_language"] == "es"

    services.delete_account(staff)
    assert not UserProfile.objects.filter(user_id=staff.pk).exists()
