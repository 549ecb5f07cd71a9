"""Live Q&A websocket: ``/ws/qa/<slug>/`` (``?view=moderate`` for the moderator console).

Thin: the base class parses frames; each handler calls a service in a database thread
(which checks permissions with fresh data, commits, and queues the broadcast), then
acknowledges. Moderator frames are checked on every frame, not only at connect.
"""

import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.urls import path
from django.utils.translation import gettext as _

from forums import live
from forums.live import protocol
from forums.live.errors import ServiceError
from forums.models import QASession
from forums.qa import protocol as qa_protocol
from forums.qa import services as qa

MODERATOR_RECHECK_SECONDS = 15


class QAConsumer(live.LiveConsumer):
    frames = qa_protocol.QA_FRAMES
    as_moderator = False

    async def open(self):
        slug = self.scope["url_route"]["kwargs"]["slug"]
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        wants_console = query.get("view", [""])[0] == "moderate"
        session, moderator = await database_sync_to_async(self._load)(slug)
        if session is None:
            raise live.Refuse(live.CLOSE_NOT_FOUND, protocol.NOT_FOUND, _("No such Q&A session."))
        if wants_console and not moderator:
            raise live.Refuse(
                live.CLOSE_FORBIDDEN,
                protocol.FORBIDDEN,
                _("Only this session's moderators can open the console."),
            )
        self.session_id = session.pk
        self.topic = session.topic
        self.as_moderator = wants_console
        self._checked_at = time.monotonic()
        self.tags = qa.socket_tags(self.user, console=wants_console)
        if self.user is not None and self.user.is_authenticated:
            self._presence = (self.user.pk, "", moderator)
        else:
            self._presence = None

    def _load(self, slug):
        session = QASession.objects.filter(slug=slug).first()
        if session is None:
            return None, False
        return session, qa.can_moderate(self.user, session)

    async def deliver(self, text):
        # A console receives held questions and who asked them: a moderator removed
        # from the role mid-session stops receiving them within MODERATOR_RECHECK_SECONDS
        # (and at once on their next moderator frame, see _moderated).
        if self.as_moderator and time.monotonic() - self._checked_at > MODERATOR_RECHECK_SECONDS:
            self._checked_at = time.monotonic()
            if not await database_sync_to_async(self._still_moderator)():
                await self._revoke()
                return
        await super().deliver(text)

    def _still_moderator(self):
        session = QASession.objects.filter(pk=self.session_id).first()
        return session is not None and qa.can_moderate(self.user, session)

    async def _revoke(self):
        self.as_moderator = False
        self.tags = frozenset()
        await self.send_frame(
            protocol.error_frame(protocol.FORBIDDEN, _("You are no longer a moderator here."))
        )
        await self.close(code=live.CLOSE_FORBIDDEN)

    def presence_entry(self):
        return self._presence

    async def snapshot(self):
        return await database_sync_to_async(qa.snapshot)(
            self.session_id,
            self.user,
            as_moderator=self.as_moderator,
            presence=self.hub.presence(self.topic)["count"],
        )

    async def _call(self, function, *args, **kwargs):
        return await database_sync_to_async(function)(self.session_id, self.user, *args, **kwargs)

    # --- families ---------------------------------------------------------------------
    async def on_question_ask(self, frame):
        question, verdict, _created = await self._call(
            qa.ask_question, frame.text, anonymous=frame.anonymous, client_ref=frame.client_ref
        )
        extra = {}
        if question.urgent:
            extra["crisis"] = True
        if verdict is not None and verdict.explanation:
            extra["notice"] = verdict.explanation
        await self.send_frame(
            qa_protocol.QAAckFrame(
                client_ref=frame.client_ref, id=question.pk, state=question.state, **extra
            )
        )

    async def on_question_vote(self, frame):
        tally = await self._call(qa.vote, frame.question_id, frame.up)
        self.hub.coalesce(self.topic, qa.VOTE_TALLIES, frame.question_id)
        if frame.client_ref:
            await self.send_frame(
                qa_protocol.QAAckFrame(
                    client_ref=frame.client_ref, id=frame.question_id, up=frame.up, votes=tally
                )
            )

    # --- moderators (the service checks the permission on every frame) ----------------
    async def _moderated(self, frame, function, *args, **kwargs):
        try:
            result = await self._call(function, *args, **kwargs)
        except ServiceError as error:
            if error.code == protocol.FORBIDDEN and self.as_moderator:
                await self.send_frame(protocol.error_frame_for(error, client_ref=frame.client_ref))
                await self._revoke()
                return
            raise
        if frame.client_ref:
            await self.send_frame(qa_protocol.QAAckFrame(client_ref=frame.client_ref, id=result.pk))

    async def on_question_approve(self, frame):
        await self._moderated(frame, qa.approve_question, frame.question_id)

    async def on_question_reject(self, frame):
        await self._moderated(frame, qa.reject_question, frame.question_id, frame.reason)

    async def on_question_edit(self, frame):
        await self._moderated(
            frame, qa.edit_question, frame.question_id, frame.text, approve=frame.approve
        )

    async def on_question_pin(self, frame):
        await self._moderated(frame, qa.pin_question, frame.question_id, frame.pinned)

    async def on_question_answer(self, frame):
        await self._moderated(frame, qa.answer_question, frame.question_id, frame.answer)

    async def on_question_hide(self, frame):
        await self._moderated(frame, qa.hide_question, frame.question_id, frame.reason)

    async def on_session_open(self, frame):
        await self._moderated(frame, qa.set_session_state, QASession.State.OPEN)

    async def on_session_close(self, frame):
        await self._moderated(frame, qa.set_session_state, QASession.State.CLOSED)


websocket_urlpatterns = [path("ws/qa/<slug:slug>/", QAConsumer.as_asgi())]
