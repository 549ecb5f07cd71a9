"""My account: profile, emergency contact, download my data, delete my account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from portal import mfa, notifications, roles, services
from portal.forms import DeleteAccountForm, EmailChoicesForm, EmergencyContactForm, ProfileForm
from portal.models import EmergencyContact


@never_cache
@login_required
def account(request):
    user = request.user
    return render(
        request,
        "portal/account/account.html",
        {
            "profile": getattr(user, "profile", None),
            "emergency_contact": EmergencyContact.objects.filter(user=user).first(),
            "roles": roles.user_roles(user),
            "can_use_admin": user.has_perm("wagtailadmin.access_admin"),
            "has_second_step": mfa.has_mfa(user),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(
                request.user,
                display_name=form.cleaned_data["display_name"],
                relationship=form.cleaned_data["relationship"],
                preferred_language=form.cleaned_data["preferred_language"],
            )
        except services.DisplayNameTaken:
            form.add_error(
                "display_name",
                _("Someone else already uses that display name. Please choose another."),
            )
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("portal:account")
    return render(request, "portal/account/profile_form.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit_emergency_contact(request):
    contact = EmergencyContact.objects.filter(user=request.user).first()
    initial = (
        {"name": contact.name, "phone": contact.phone, "relationship": contact.relationship}
        if contact
        else None
    )
    form = EmergencyContactForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_emergency_contact(request.user, **form.cleaned_data)
        messages.success(request, _("Your emergency contact is saved."))
        return redirect("portal:account")
    return render(
        request, "portal/account/emergency_contact_form.html", {"form": form, "contact": contact}
    )


@login_required
@require_POST
def remove_emergency_contact(request):
    if services.remove_emergency_contact(request.user):
        messages.success(request, _("Your emergency contact is removed."))
    return redirect("portal:account")


@never_cache
@login_required
def download_my_data(request):
    data = services.export_account(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"family-portal-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        # Erase first: if an app's erase fails, nothing changed and the person is still
        # logged in to try again.
        services.delete_account(user)
        logout(request)
        return redirect("portal:account_deleted")
    return render(request, "portal/account/delete_account.html", {"form": form})


def account_deleted(request):
    return render(request, "portal/account/account_deleted.html")


def server_error(request):
    """The 500 page, in the site shell when the template can render, plain otherwise."""
    try:
        body = loader.render_to_string("500.html", request=request)
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        body = loader.render_to_string("500_plain.html")
    return HttpResponse(body, status=500)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit_email_choices(request):
    profile = getattr(request.user, "profile", None)
    if profile is None:
        messages.info(request, _("Choose a display name first."))
        return redirect("portal:edit_profile")
    form = EmailChoicesForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.save_email_choices(request.user, **form.cleaned_data)
        messages.success(request, _("Your email choices are saved."))
        return redirect("portal:account")
    return render(request, "portal/account/email_choices.html", {"form": form})


@never_cache
@csrf_exempt  # the signed link is the credential; mail programs post to it (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """Turn off one kind of email from the link in it, without logging in. Opening the
    link only asks; the button (or a mail program's one-click post) does it."""
    found = notifications.read_unsubscribe_token(token)
    if found is None:
        return render(request, "portal/account/unsubscribe.html", {"invalid": True}, status=400)
    user_id, kind = found
    context = {"what": notifications.KINDS[kind], "done": False}
    if request.method == "POST":
        context["done"] = services.unsubscribe(user_id, kind)
        if not context["done"]:
            return render(request, "portal/account/unsubscribe.html", {"invalid": True}, status=400)
    return render(request, "portal/account/unsubscribe.html", context)
