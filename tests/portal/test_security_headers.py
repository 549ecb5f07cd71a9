"""Content-Security-Policy and Permissions-Policy on the public site."""

import pytest

pytestmark = pytest.mark.django_db


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return dict(
        (part.split(" ", 1)[0], part.split(" ", 1)[1] if " " in part else "")
        for part in (item.strip() for item in policy.split(";"))
        if part
    )


def test_public_pages_forbid_inline_and_foreign_scripts(client):
    found = directives(client.get("/"))
    assert found["script-src"] == "'self'"
    assert found["object-src"] == "'none'"
    assert found["frame-ancestors"] == "'none'"
    assert found["form-action"] == "'self'"
    assert "unsafe-inline" not in " ".join(found.values())


def test_error_pages_carry_the_policy_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_wagtail_admin_keeps_its_own_headers(client):
    response = client.get("/admin/login/")
    assert "Content-Security-Policy" not in response.headers


def test_powerful_browser_features_are_switched_off(client):
    policy = client.get("/").headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy
