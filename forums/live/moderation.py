"""What live Q&A and peer rooms share: the moderator-action skeleton and its audit
trail, word screening and the crisis alert by email."""

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from forums import screening
from forums.live import errors
from forums.live.errors import ServiceError
from forums.models import ModerationAction, WatchedWord
from portal import roles
from portal.outbox import queue_mail

logger = logging.getLogger(__name__)


def moderator_emails():
    """Every active account in the Moderators group (and superusers) with an email."""
    accounts = get_user_model().objects.filter(is_active=True).exclude(email="")
    return sorted(
        {
            account.email
            for account in accounts.filter(groups__name=roles.MODERATORS)
            | accounts.filter(is_superuser=True)
        }
    )


def email_crisis_alert(recipients, *, where, path):
    """Tell ``recipients`` that a crisis hold waits in ``where``: queued with the hold
    (``portal.outbox``), sent by the worker, retried while the mail server fails.

    The email names the place and links the screen where it waits, never the family's
    words (mail leaves our systems). The hold is shown live to connected moderators
    whatever the mail server does.
    """
    recipients = sorted(set(recipients))
    if not recipients:
        return
    subject = _("Urgent: a crisis hold in %(where)s") % {"where": where}
    body = _(
        "Something written in %(where)s was held because it may describe a crisis. "
        "Please open it now: %(url)s"
    ) % {"where": where, "url": settings.PUBLIC_BASE_URL + path}

    queue_mail(kind="crisis_alert", subject=subject, body=body, to=recipients)


CRISIS_IN_NAME = "crisis.display_name"


def report_crisis_in_name(account, *, where):
    """A display name with crisis language was refused: log it (no name text) and alert
    every moderator by email with a link to the moderation log."""
    record_action(
        account,
        CRISIS_IN_NAME,
        context=where,
        target_type="account",
        target_id=getattr(account, "pk", None),
        subject=account if getattr(account, "pk", None) else None,
        details={"urgent": True},
    )
    email_crisis_alert(
        moderator_emails(), where=_("a display name"), path=reverse("forums:moderation_log")
    )


def record_action(
    actor, action, *, context, target_type, target_id=None, subject=None, reason="", details=None
):
    """Log one moderator action (call inside the action's transaction, so both or neither
    are saved). ``reason`` is the moderator's words; never pass the family's text."""
    return ModerationAction.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        context=context,
        target_type=target_type,
        target_id=target_id,
        subject=subject,
        reason=(reason or "")[:500],
        details=details or {},
    )


@dataclass
class ActionRecord:
    """What a moderator action writes to the audit trail; the use case fills it in."""

    action: str
    context: str
    reason: str = ""
    target_type: str = ""
    target_id: int | None = None
    subject: object = None
    details: dict = field(default_factory=dict)
    unchanged: bool = False

    def nothing_to_change(self):
        """The action finds nothing to do (e.g. a session already open): no audit record
        is written. The body returns (or skips its change) after calling this."""
        self.unchanged = True

    def target(self, target_type, target_id, *, subject=None, **details):
        """Name what the action was done to (and whose it is), with any details."""
        self.target_type = target_type
        self.target_id = target_id
        self.subject = subject
        self.details.update(details)


def permission_required(permission, refusal):
    """An ``authorise`` step for :func:`moderator_action`: the active account must hold
    the model permission ``permission`` (``"app.codename"``, the one Wagtail admin asks
    for), else a ``ServiceError`` with ``refusal`` (what the screen tells the actor)."""

    def authorise(actor):
        if (
            actor is None
            or not actor.is_authenticated
            or not actor.is_active
            or not actor.has_perm(permission)
        ):
            raise ServiceError(errors.FORBIDDEN, str(refusal))

    return authorise


@contextmanager
def moderator_action(actor, action, *, context, authorise=None, reason=""):
    """The skeleton of every moderator use case, written once.

    ``authorise(actor)`` (if given) runs first and raises a ``ServiceError`` to refuse.
    Then one transaction holds the change the ``with`` body makes (lock, change, save,
    ``broadcast_on_commit``) and its audit record, written with the actor when the body
    succeeds: both are saved or neither, and frames leave only after the commit. The body
    names its target on the yielded :class:`ActionRecord` (``record.target(...)``) and may
    change ``record.action`` (e.g. mute or unmute) or add ``record.details``.
    """
    if authorise is not None:
        authorise(actor)
    record = ActionRecord(action=action, context=context, reason=reason)
    with transaction.atomic():
        yield record
        if record.unchanged:
            return
        record_action(
            actor,
            record.action,
            context=record.context,
            target_type=record.target_type,
            target_id=record.target_id,
            subject=record.subject,
            reason=record.reason,
            details=record.details,
        )


def screen_text(text, *, new_member=False, check_identifying=True):
    """Screen ``text`` with the built-in detectors and the moderators' watched words."""
    return screening.screen(
        text,
        watched=WatchedWord.terms(),
        new_member=new_member,
        check_identifying=check_identifying,
    )


def export_moderation(user):
    """A member's part of the moderation log: actions concerning them (not who acted)."""
    return [
        {
            "when": action.created_at.isoformat(),
            "action": action.action,
            "where": action.context,
            "reason": action.reason,
        }
        for action in ModerationAction.objects.filter(subject=user).order_by("created_at")
    ]


def erase_moderation(user):
    """Keep the log (other members' safety depends on it) without the erased person."""
    ModerationAction.objects.filter(subject=user).update(subject=None)
    ModerationAction.objects.filter(actor=user).update(actor=None)
