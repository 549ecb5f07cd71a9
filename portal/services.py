"""Account and profile operations: the only place that changes the core's state."""

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from portal import privacy, roles, signals
from portal.display_names import DISPLAY_NAME_MAX_LENGTH, display_name_key
from portal.models import EmergencyContact, Profile


class DisplayNameTaken(Exception):
    """Another account already uses this display name (compared case-insensitively)."""


def report_crisis_in_display_name(account, *, where):
    """Someone typed crisis language as their display name: the name was refused and they
    were shown crisis resources; this tells the moderators (through the app that owns
    moderation, connected to :data:`portal.signals.crisis_in_display_name`)."""
    signals.crisis_in_display_name.send(sender=Profile, account=account, where=where)


def display_name_taken(display_name, *, exclude_user=None):
    queryset = Profile.objects.filter(display_name_key=display_name_key(display_name))
    if exclude_user is not None:
        queryset = queryset.exclude(user=exclude_user)
    return queryset.exists()


def register_family_member(
    user, *, display_name, relationship="", preferred_language="", allow_numbered_variant=False
):
    """Give a new sign-up their profile and the Family members role.

    Guarantees: the account ends with exactly one profile and is in the Family members
    group, or nothing changed and ``DisplayNameTaken`` is raised. With
    ``allow_numbered_variant``, a name taken by a concurrent sign-up becomes "Name 2",
    "Name 3", ... (the member can change it in their profile).
    """
    candidates = [display_name]
    if allow_numbered_variant:
        base = display_name[: DISPLAY_NAME_MAX_LENGTH - 3]
        candidates += [f"{base} {n}" for n in range(2, 100)]
    for candidate in candidates:
        try:
            with transaction.atomic():
                profile = Profile.objects.create(
                    user=user,
                    display_name=candidate,
                    relationship=relationship,
                    preferred_language=preferred_language,
                )
                user.groups.add(Group.objects.get(name=roles.FAMILY_MEMBERS))
        except IntegrityError:
            continue
        return profile
    raise DisplayNameTaken(display_name)


def update_profile(user, *, display_name, relationship="", preferred_language=""):
    """Create or update the profile. Raises ``DisplayNameTaken`` and changes nothing
    when another account holds the name."""
    try:
        with transaction.atomic():
            profile, _created = Profile.objects.update_or_create(
                user=user,
                defaults={
                    "display_name": display_name,
                    "relationship": relationship,
                    "preferred_language": preferred_language,
                },
            )
    except IntegrityError as error:
        raise DisplayNameTaken(display_name) from error
    return profile


@transaction.atomic
def save_emergency_contact(user, *, name, phone, relationship=""):
    """Create or replace the account's single emergency contact."""
    contact, _created = EmergencyContact.objects.update_or_create(
        user=user, defaults={"name": name, "phone": phone, "relationship": relationship}
    )
    return contact


@transaction.atomic
def remove_emergency_contact(user):
    """Delete the emergency contact, if any. Returns True when one was removed."""
    deleted, _per_model = EmergencyContact.objects.filter(user=user).delete()
    return bool(deleted)


def export_account(user):
    """Everything the portal holds about the account (see ``portal.privacy``)."""
    return privacy.export_user_data(user)


def delete_account(user):
    """Erase the account: every app anonymises or deletes its data, then the user row
    goes. All in one transaction."""
    privacy.erase_account(user)


def save_email_choices(user, **choices):
    """Save which email ``user`` receives. Turning the room-replies note on counts only
    replies from now on (no note about months of old replies)."""
    from django.utils import timezone

    with transaction.atomic():
        profile = Profile.objects.select_for_update().get(user=user)
        if choices.get("email_room_replies") and not profile.email_room_replies:
            profile.room_replies_noted_until = timezone.now()
        for field, value in choices.items():
            setattr(profile, field, bool(value))
        profile.save()
    return profile


def unsubscribe(user_id, kind):
    """What an email's unsubscribe link does: turn off that kind of email for that
    account (``portal.notifications.SWITCHES``). True when the account exists."""
    from portal.notifications import SWITCHES

    fields = dict.fromkeys(SWITCHES[kind], False)
    return bool(Profile.objects.filter(user_id=user_id).update(**fields))
