"""The core's entry in the privacy hub: the account, its profile and emergency contact.

Also covers what Django, allauth and Wagtail keep about an account (email addresses,
Wagtail's admin preferences and avatar), since those apps cannot register themselves.
"""

from allauth.account.models import EmailAddress
from wagtail.users.models import UserProfile

from portal.models import EmergencyContact, OutgoingMail, Profile, User


def _isoformat(value):
    return value.isoformat() if value else None


def export_account_data(user):
    profile = Profile.objects.filter(user=user).first()
    contact = EmergencyContact.objects.filter(user=user).first()
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _isoformat(user.date_joined),
            "last_login": _isoformat(user.last_login),
            "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "profile": (
            {
                "display_name": profile.display_name,
                "preferred_language": profile.preferred_language,
                "relationship": profile.relationship,
                "email_choices": {
                    "reminder_day_before": profile.reminder_day_before,
                    "reminder_two_hours_before": profile.reminder_two_hours_before,
                    "email_answers": profile.email_answers,
                    "email_room_replies": profile.email_room_replies,
                },
                "created_at": _isoformat(profile.created_at),
                "updated_at": _isoformat(profile.updated_at),
            }
            if profile
            else None
        ),
        "admin_preferences": _admin_preferences(user),
        "email_sent_or_waiting": [
            {
                "kind": mail.kind,
                "subject": mail.subject,
                "status": mail.status,
                "queued_at": _isoformat(mail.created_at),
                "sent_at": _isoformat(mail.sent_at),
            }
            for mail in mail_to(user)
        ],
        "emergency_contact": (
            {"name": contact.name, "phone": contact.phone, "relationship": contact.relationship}
            if contact
            else None
        ),
    }


def _admin_preferences(user):
    preferences = UserProfile.objects.filter(user=user).first()
    if preferences is None:
        return None
    return {
        "preferred_language": preferences.preferred_language,
        "current_time_zone": preferences.current_time_zone,
        "has_avatar": bool(preferences.avatar),
    }


def mail_to(user):
    """The outgoing mail addressed to ``user``'s addresses (the ``to`` list is JSON: a
    text match narrows the rows, an exact comparison decides, on every database)."""
    addresses = {address.casefold() for address in _addresses(user)}
    candidates = OutgoingMail.objects.none()
    for address in addresses:
        candidates |= OutgoingMail.objects.filter(to__icontains=address)
    return [
        mail
        for mail in candidates.order_by("created_at")
        if {recipient.casefold() for recipient in mail.to} & addresses
    ]


def _addresses(user):
    found = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    return (found | {user.email}) - {""}


def erase_account_data(user):
    """Delete the core's rows about the account. The account row itself is deleted by
    ``privacy.erase_account`` after every app has run."""
    addresses = {address.casefold() for address in _addresses(user)}
    for mail in mail_to(user):
        others = [recipient for recipient in mail.to if recipient.casefold() not in addresses]
        if others:  # a crisis alert to every moderator still reaches the others
            mail.to = others
            mail.save(update_fields=["to"])
        else:
            mail.delete()
    EmergencyContact.objects.filter(user=user).delete()
    Profile.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    preferences = UserProfile.objects.filter(user=user).first()
    if preferences is not None:
        if preferences.avatar:
            preferences.avatar.delete(save=False)  # the file, not only the row
        preferences.delete()


PERSONAL_MODELS = [User, Profile, EmergencyContact]
