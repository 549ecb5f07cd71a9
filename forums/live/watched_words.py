"""The moderators' watched words: added, changed and removed only through here.

Whatever the screen (Wagtail admin today), each change is a moderator action
(``moderator_action``): the actor's permission is checked on the server, the change and
its audit record are saved in one transaction, and screening reads the new list at once
(the cached list is dropped when the row changes and again after the commit, so no other
process keeps the old list after reading it mid-transaction). The record names the word
and its action: a phrase is the moderators' own words, never a family's.
"""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forums.live import errors
from forums.live.errors import ServiceError
from forums.live.moderation import moderator_action, permission_required
from forums.models import WATCHED_TERMS_CACHE_KEY, WatchedWord

CONTEXT = "screening"
TARGET_TYPE = "watched_word"
ADD = "watched_word.add"
CHANGE = "watched_word.change"
REMOVE = "watched_word.remove"
FIELDS = ("phrase", "action", "explanation")


def _authorise(permission):
    return permission_required(
        f"forums.{permission}", _("Only moderators can change the watched words.")
    )


def _validated(word):
    """``word`` checked as the database will (unique phrase, known action, lengths)."""
    try:
        word.full_clean()
    except ValidationError as error:
        raise ServiceError(
            errors.INVALID, " ".join(error.messages), fields=error.message_dict
        ) from None
    return word


def _screening_reads_it_after_commit():
    transaction.on_commit(lambda: cache.delete(WATCHED_TERMS_CACHE_KEY))


def _locked(word_id):
    word = WatchedWord.objects.select_for_update().filter(pk=word_id).first()
    if word is None:
        raise ServiceError(errors.NOT_FOUND, _("That watched word no longer exists."))
    return word


def add_watched_word(actor, *, phrase, action, explanation=""):
    """Add a watched word (accounts with ``forums.add_watchedword``: moderators and
    administrators); logged with the actor. Screening uses it from the next message."""
    with moderator_action(actor, ADD, context=CONTEXT, authorise=_authorise("add_watchedword")) as (
        record
    ):
        word = _validated(WatchedWord(phrase=phrase, action=action, explanation=explanation))
        word.save()
        record.target(TARGET_TYPE, word.pk, phrase=word.phrase, word_action=word.action)
        _screening_reads_it_after_commit()
    return word


def change_watched_word(actor, word_id, *, phrase, action, explanation=""):
    """Change a watched word (``forums.change_watchedword``); logged with the actor and
    what changed (the phrase and action before and after). Saving it unchanged changes
    and logs nothing."""
    with moderator_action(
        actor, CHANGE, context=CONTEXT, authorise=_authorise("change_watchedword")
    ) as record:
        word = _locked(word_id)
        before = {name: getattr(word, name) for name in FIELDS}
        after = {"phrase": phrase, "action": action, "explanation": explanation or ""}
        changed = [name for name in FIELDS if before[name] != after[name]]
        if not changed:
            record.nothing_to_change()
            return word
        for name in changed:
            setattr(word, name, after[name])
        _validated(word).save()
        record.target(
            TARGET_TYPE,
            word.pk,
            phrase=word.phrase,
            word_action=word.action,
            changed=changed,
            was={name: before[name] for name in changed if name != "explanation"},
        )
        _screening_reads_it_after_commit()
    return word


def remove_watched_word(actor, word_id):
    """Remove a watched word (``forums.delete_watchedword``); the log keeps its phrase and
    action, with the actor."""
    with moderator_action(
        actor, REMOVE, context=CONTEXT, authorise=_authorise("delete_watchedword")
    ) as record:
        word = _locked(word_id)
        record.target(TARGET_TYPE, word.pk, phrase=word.phrase, word_action=word.action)
        word.delete()
        _screening_reads_it_after_commit()
