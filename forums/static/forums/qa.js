// Live Q&A pages: participant (/qa/<slug>/), moderator console (/moderate/) and
// presenter view (/present/), on the shared LiveSocket (live.js).
// Everything a user typed goes on the page with textContent, never as HTML.

import { LiveSocket, announce, attachComposer, fill, newClientRef } from "./live.js";

const app = document.getElementById("qa-app");
const view = app ? app.dataset.view : null;
const $ = (id) => document.getElementById(id);
// Words on the page come translated from the server (forums.views.qa.QA_STRINGS).
const stringsNode = $("qa-strings");
const T = stringsNode ? JSON.parse(stringsNode.textContent) : {};

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

const votes = (n) => fill(n === 1 ? T.voteOne : T.voteMany, { count: n });

// ---- shared state ------------------------------------------------------------------
const state = {
  session: null,
  questions: new Map(), // id -> question (public, own or moderator view)
  myVotes: new Set(),
  moderator: false,
  signedIn: false,
  order: "votes",
};
let counts = null; // the console's tallies, from the snapshot and the moderators' frames

function merge(question) {
  const current = state.questions.get(question.id) || {};
  const merged = { ...current, ...question, mine: current.mine || question.mine };
  // A snapshot holds a rejected question only for its author: the console forgets the
  // ones it rejected or hid, as a reconnecting console would.
  if (merged.state === "rejected" && !merged.mine) state.questions.delete(question.id);
  else state.questions.set(question.id, merged);
}

function applySnapshot(frame) {
  state.session = frame.session;
  state.moderator = !!frame.moderator;
  state.signedIn = !!frame.signed_in;
  state.questions.clear();
  for (const q of frame.questions || []) merge(q);
  for (const q of frame.mine || []) merge({ ...q, mine: true });
  for (const q of frame.moderation || []) merge(q);
  state.myVotes = new Set(frame.my_votes || []);
  counts = frame.counts || null;
  if (typeof frame.presence === "number") setPresence(frame.presence);
}

function setPresence(count) {
  const node = $("qa-presence");
  if (node) node.textContent = String(count);
  const label = $("qa-presence-label");
  if (label) label.textContent = count === 1 ? "person here" : "people here";
  const wrap = $("qa-presence-wrap");
  if (wrap) wrap.hidden = false;
}

function sorted(filter) {
  const list = [...state.questions.values()].filter(filter);
  if (state.order === "newest") list.sort((a, b) => b.id - a.id);
  else list.sort((a, b) => b.votes - a.votes || a.id - b.id);
  list.sort((a, b) => (b.pinned ? 1 : 0) - (a.pinned ? 1 : 0));
  return list;
}

const isPublic = (q) => q.state === "visible" || q.state === "answered";

function renderSession() {
  const banner = $("qa-banner");
  if (!banner || !state.session) return;
  const s = state.session.state;
  if (view === "moderate") {
    banner.textContent = { scheduled: T.stateScheduled, open: T.stateOpen, closed: T.stateClosed }[s] || s;
    const focused = document.activeElement;
    $("qa-open").hidden = s === "open";
    $("qa-close").hidden = s !== "open";
    // The button just used hides itself: keep the keyboard on its counterpart.
    if (focused && focused.hidden && (focused.id === "qa-open" || focused.id === "qa-close")) {
      $(s === "open" ? "qa-close" : "qa-open").focus();
    }
    return;
  }
  banner.className = `qa-banner qa-banner--${s}`;
  if (s === "open") banner.textContent = T.bannerOpen;
  else if (s === "closed") banner.textContent = T.bannerClosed;
  else banner.textContent = T.bannerScheduled;
  const form = $("qa-ask-form");
  if (form) {
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = s !== "open";
  }
}

// ---- participant -------------------------------------------------------------------
function questionItem(q) {
  const item = el("li", {
    className: `qa-question${q.pinned ? " qa-question--pinned" : ""}${q.state === "answered" ? " qa-question--answered" : ""}`,
    id: `question-${q.id}`,
    "data-id": q.id,
  });
  if (q.pinned) item.append(el("p", { className: "qa-badge qa-badge--now", text: T.nowAnswering }));
  if (q.state === "answered") item.append(el("p", { className: "qa-badge", text: T.answered }));
  item.append(el("p", { className: "qa-question__text", text: q.text }));
  item.append(
    el("p", { className: "qa-question__meta" }, [
      el("span", { className: "qa-question__name", text: q.name }),
      document.createTextNode(" · "),
      el("span", { className: "qa-question__votes", text: votes(q.votes) }),
    ]),
  );
  if (q.answer) {
    item.append(
      el("div", { className: "qa-question__answer" }, [
        el("p", { className: "qa-question__answer-label", text: T.answer }),
        el("p", { text: q.answer }),
      ]),
    );
  }
  if (state.signedIn && q.state === "visible" && state.session && state.session.state !== "closed") {
    const voted = state.myVotes.has(q.id);
    item.append(
      el("button", {
        type: "button",
        className: "button button--small qa-vote__button",
        "aria-pressed": voted ? "true" : "false",
        // The name starts with the visible label (WCAG 2.5.3): voice users say "Upvoted".
        "aria-label": `${voted ? T.upvotedRemove : T.upvote}: ${q.text.slice(0, 80)}`,
        text: voted ? T.upvoted : T.upvote,
        onclick: () => toggleVote(q.id),
      }),
    );
  }
  return item;
}

function renderParticipant() {
  renderSession();
  const list = $("qa-questions");
  const focusedId = document.activeElement && document.activeElement.closest("[data-id]")
    ? document.activeElement.closest("[data-id]").dataset.id
    : null;
  const items = sorted(isPublic).map(questionItem);
  list.replaceChildren(...items);
  if (focusedId) {
    // Keep keyboard focus on the same question's vote button after a re-render.
    const again = list.querySelector(`[data-id="${focusedId}"] button`);
    if (again) again.focus();
  }
  $("qa-empty").hidden = items.length > 0;
  const pinned = [...state.questions.values()].find((q) => q.pinned && isPublic(q));
  $("qa-now").hidden = !pinned;
  $("qa-now-text").textContent = pinned ? pinned.text : "";
  $("qa-now-name").textContent = pinned ? pinned.name : "";
  const mine = [...state.questions.values()].filter(
    (q) => q.mine && (q.state === "pending" || q.state === "rejected"),
  );
  $("qa-mine-section").hidden = mine.length === 0;
  $("qa-mine").replaceChildren(
    ...mine.map((q) =>
      el("li", { className: "qa-question qa-question--mine", "data-id": q.id }, [
        el("p", { className: "qa-question__text", text: q.text }),
        el("p", {
          className: "qa-question__meta",
          text:
            q.state === "pending"
              ? T.waiting
              : q.reason
                ? fill(T.notPublishedReason, { reason: q.reason })
                : T.notPublished,
        }),
      ]),
    ),
  );
}

let socket = null;

function toggleVote(id) {
  const up = !state.myVotes.has(id);
  if (up) state.myVotes.add(id);
  else state.myVotes.delete(id);
  const q = state.questions.get(id);
  if (q) q.votes = Math.max(0, q.votes + (up ? 1 : -1));
  render();
  socket
    .request({ type: "question.vote", question_id: id, up })
    .then((ack) => {
      const current = state.questions.get(id);
      if (current && typeof ack.votes === "number") current.votes = ack.votes;
      render();
    })
    .catch((error) => {
      if (up) state.myVotes.delete(id);
      else state.myVotes.add(id);
      announce($("qa-announcer"), (error && error.message) || T.voteNotCounted);
      render();
    });
}

function setupComposer() {
  const form = $("qa-ask-form");
  if (!form) return;
  const field = form.querySelector("textarea");
  const counter = $("qa-counter");
  const limit = Number(field.getAttribute("maxlength")) || 500;
  const updateCounter = () => {
    counter.textContent = `${field.value.length} / ${limit}`;
  };
  field.addEventListener("input", updateCounter);
  updateCounter();
  attachComposer({
    form,
    field,
    status: $("qa-ask-status"),
    live: socket,
    storageKey: `qa-draft:${app.dataset.slug}`,
    buildFrame: (text) => {
      const anonymous = form.querySelector("input[name=anonymous]");
      return {
        type: "question.ask",
        text,
        anonymous: !!(anonymous && anonymous.checked),
        client_ref: newClientRef(),
      };
    },
    messages: {
      sending: T.sending,
      queued: T.queued,
      sent: T.sent,
    },
    onAck: (ack) => {
      updateCounter();
      const status = $("qa-ask-status");
      if (ack.state === "pending") status.textContent = T.pending;
      const crisis = $("qa-crisis");
      if (ack.crisis && crisis) {
        if (ack.notice) $("qa-crisis-text").textContent = ack.notice;
        crisis.hidden = false;
        crisis.focus();
      } else if (ack.notice) {
        status.textContent = ack.notice;
      }
    },
  });
  for (const link of [$("qa-order-votes"), $("qa-order-newest")]) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      state.order = link.id === "qa-order-newest" ? "newest" : "votes";
      $("qa-order-votes").toggleAttribute("aria-current", state.order === "votes");
      $("qa-order-newest").toggleAttribute("aria-current", state.order === "newest");
      if (state.order === "votes") $("qa-order-votes").setAttribute("aria-current", "true");
      else $("qa-order-newest").setAttribute("aria-current", "true");
      render();
    });
  }
}

// ---- moderator console -------------------------------------------------------------
function moderatorSend(frame, done) {
  const status = $("qa-console-status");
  socket
    .request({ ...frame, client_ref: newClientRef() })
    .then(() => {
      if (done) status.textContent = done;
    })
    .catch((error) => {
      status.textContent = (error && error.message) || T.failed;
    });
}

function actionButton(label, onclick, extra = "") {
  return el("button", { type: "button", className: `button button--small ${extra}`, text: label, onclick });
}

function consoleItem(q) {
  const item = el("li", {
    className: `qa-question${q.urgent ? " qa-question--urgent" : ""}${q.pinned ? " qa-question--pinned" : ""}`,
    "data-id": q.id,
  });
  if (q.urgent) item.append(el("p", { className: "qa-badge qa-badge--urgent", text: T.urgentBadge }));
  if (q.pinned) item.append(el("p", { className: "qa-badge qa-badge--now", text: T.nowAnswering }));
  const textNode = el("p", { className: "qa-question__text", text: q.text });
  item.append(textNode);
  const who = q.anonymous ? fill(T.anonymousAuthor, { author: q.author }) : q.author || q.name;
  // Moderators read why it was held: the screening's reasons, or its finding kinds.
  const findings = (q.reasons || []).length ? q.reasons : (q.screening || []).filter((kind) => kind !== "crisis");
  item.append(
    el("p", {
      className: "qa-question__meta",
      text: `${who} · ${votes(q.votes)}${findings.length ? ` · ${fill(T.heldFor, { findings: findings.join("; ") })}` : ""}`,
    }),
  );
  if (q.answer) item.append(el("p", { className: "qa-question__answer", text: fill(T.answerText, { answer: q.answer }) }));
  const actions = el("div", { className: "qa-actions", role: "group", "aria-label": fill(T.actionsFor, { id: q.id }) });
  const id = q.id;
  if (q.state === "pending") {
    actions.append(
      actionButton(T.approve, () => moderatorSend({ type: "question.approve", question_id: id }, T.approved)),
      actionButton(T.edit, () => openEditor(item, q)),
      actionButton(T.reject, () => openReason(item, q, "question.reject", T.reject, T.rejected), "button--danger"),
    );
  } else if (q.state === "visible") {
    actions.append(
      q.pinned
        ? actionButton(T.unpin, () => moderatorSend({ type: "question.pin", question_id: id, pinned: false }, T.unpinned))
        : actionButton(T.pin, () => moderatorSend({ type: "question.pin", question_id: id, pinned: true }, T.pinned)),
      actionButton(T.markAnswered, () => openAnswer(item, q)),
      actionButton(T.edit, () => openEditor(item, q)),
      actionButton(T.hide, () => openReason(item, q, "question.hide", T.hide, T.hidden), "button--danger"),
    );
  } else if (q.state === "answered") {
    actions.append(
      actionButton(T.editAnswer, () => openAnswer(item, q)),
      actionButton(T.hide, () => openReason(item, q, "question.hide", T.hide, T.hidden), "button--danger"),
    );
  }
  item.append(actions);
  return item;
}

let editing = null; // a question id whose inline form is open: no re-render steals it

function inlineForm(item, q, { label, value, multiline, submitLabel, onSubmit, extraButton }) {
  editing = q.id;
  const fieldId = `qa-inline-${q.id}`;
  const field = multiline
    ? el("textarea", { id: fieldId, rows: 3 })
    : el("input", { id: fieldId, type: "text", maxlength: 300 });
  field.value = value || "";
  const form = el("form", { className: "qa-inline" }, [
    el("label", { for: fieldId, text: label }),
    field,
    el("div", { className: "qa-actions" }, [
      el("button", { type: "submit", className: "button button--small", text: submitLabel }),
      extraButton ? extraButton(field) : null,
      el("button", {
        type: "button",
        className: "button button--small button--secondary",
        text: T.cancel,
        onclick: () => {
          editing = null;
          render();
          focusQuestion(q.id);
        },
      }),
    ]),
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onSubmit(field.value);
    editing = null;
    render();
    focusQuestion(q.id);
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      editing = null;
      render();
      focusQuestion(q.id);
    }
  });
  item.querySelector(".qa-actions").replaceWith(form);
  field.focus();
}

function focusQuestion(id) {
  const button = document.querySelector(`#qa-app [data-id="${id}"] button`);
  if (button) button.focus();
}

function openEditor(item, q) {
  inlineForm(item, q, {
    label: T.editedQuestion,
    value: q.text,
    multiline: true,
    submitLabel: q.state === "pending" ? T.saveApprove : T.save,
    onSubmit: (text) =>
      moderatorSend({ type: "question.edit", question_id: q.id, text, approve: q.state === "pending" }, T.saved),
  });
}

function openReason(item, q, type, verb, done) {
  inlineForm(item, q, {
    label: T.reasonLabel,
    value: "",
    multiline: false,
    submitLabel: verb,
    onSubmit: (reason) => moderatorSend({ type, question_id: q.id, reason }, done),
  });
}

function openAnswer(item, q) {
  inlineForm(item, q, {
    label: T.answerLabel,
    value: q.answer || "",
    multiline: true,
    submitLabel: T.markAnswered,
    onSubmit: (answer) => moderatorSend({ type: "question.answer", question_id: q.id, answer }, T.markedAnswered),
  });
}

function renderConsole() {
  renderSession();
  if (editing !== null) return;
  const all = [...state.questions.values()];
  const pending = all
    .filter((q) => q.state === "pending")
    .sort((a, b) => (b.urgent ? 1 : 0) - (a.urgent ? 1 : 0) || a.id - b.id);
  const visible = sorted((q) => q.state === "visible");
  const answered = all.filter((q) => q.state === "answered").sort((a, b) => b.id - a.id);
  const focused = document.activeElement && document.activeElement.closest("[data-id]");
  const focusedId = focused ? focused.dataset.id : null;
  const focusedLabel = focused && document.activeElement.textContent;
  $("qa-pending").replaceChildren(...pending.map(consoleItem));
  $("qa-visible").replaceChildren(...visible.map(consoleItem));
  $("qa-answered").replaceChildren(...answered.map(consoleItem));
  if (focusedId) {
    const buttons = document.querySelectorAll(`#qa-app [data-id="${focusedId}"] button`);
    const same = [...buttons].find((b) => b.textContent === focusedLabel) || buttons[0];
    if (same) same.focus();
  }
  const c = counts || {};
  $("qa-count-pending").textContent = String(pending.length);
  $("qa-count-urgent").textContent = String(pending.filter((q) => q.urgent).length);
  $("qa-count-visible").textContent = String(visible.length);
  $("qa-count-answered").textContent = String(answered.length || c.answered || 0);
}

// ---- presenter ---------------------------------------------------------------------
// Smaller type for a long question, so that it fits the projector (qa-present.css);
// the same thresholds as the page's first render (templates/forums/qa/present.html).
const presenterSize = (text) => (text.length > 320 ? "longer" : text.length > 160 ? "long" : "");

function renderPresenter() {
  const visible = sorted((q) => q.state === "visible");
  const pinned = visible.find((q) => q.pinned);
  const now = $("qa-now-text");
  now.textContent = pinned ? pinned.text : T.nextQuestion;
  const size = pinned ? presenterSize(pinned.text) : "none";
  now.className = "qa-present__pinned" + (size ? ` qa-present__pinned--${size}` : "");
  const next = Number(app.dataset.next) || 3;
  $("qa-top").replaceChildren(
    ...visible
      .filter((q) => !q.pinned)
      .slice(0, next)
      .map((q) =>
        el("li", { "data-id": q.id }, [
          el("span", { className: "qa-present__text", text: q.text }),
          document.createTextNode(" "),
          el("span", { className: "qa-present__votes", text: votes(q.votes) }),
        ]),
      ),
  );
}

function render() {
  if (view === "participant") renderParticipant();
  else if (view === "moderate") renderConsole();
  else if (view === "present") renderPresenter();
}

// ---- frames ------------------------------------------------------------------------
function onFrame(frame) {
  const announcer = $("qa-announcer");
  switch (frame.type) {
    case "question.added": {
      const q = frame.question;
      const known = state.questions.has(q.id);
      merge(q);
      if (frame.counts) counts = frame.counts;
      if (!known && view === "participant" && isPublic(q)) announce(announcer, fill(T.newQuestion, { text: q.text }));
      if (!known && view === "moderate" && q.state === "pending") {
        announce(announcer, q.urgent ? T.urgentWaiting : T.newWaiting);
      }
      break;
    }
    case "question.updated": {
      if (frame.question) {
        const before = state.questions.get(frame.question.id);
        merge(frame.question);
        if (view === "participant" && before && !isPublic(before) && isPublic(frame.question)) {
          announce(announcer, fill(T.newQuestion, { text: frame.question.text }));
        }
        if (frame.question.pinned && (!before || !before.pinned) && view !== "moderate") {
          announce(announcer, fill(T.nowAnsweringText, { text: frame.question.text }));
        }
      }
      for (const partial of frame.questions || []) {
        if (state.questions.has(partial.id)) merge(partial);
      }
      if (frame.counts) counts = frame.counts;
      break;
    }
    case "question.removed": {
      const q = state.questions.get(frame.id);
      if (q && !q.mine && !state.moderator) state.questions.delete(frame.id);
      break;
    }
    case "question.voted":
      // This account voted (or took its vote back) here or in another tab.
      if (frame.up) state.myVotes.add(frame.id);
      else state.myVotes.delete(frame.id);
      break;
    case "session.updated": {
      const before = state.session && state.session.state;
      state.session = frame.session;
      // Also sent when a moderator edits the session's details: announce only a new state.
      if (frame.session.state !== before) {
        announce(
          announcer,
          { scheduled: T.nowScheduled, open: T.nowOpen, closed: T.nowClosed }[frame.session.state] || "",
        );
      }
      break;
    }
    case "presence":
      setPresence(frame.count);
      return;
    default:
      return;
  }
  render();
}

function onStatus(status, detail) {
  const node = $("qa-connection");
  if (!node) return;
  // "paused": the server said why (live updates unavailable), in the reader's language.
  node.textContent =
    {
      connecting: T.connecting,
      reconnecting: T.reconnecting,
      live: T.live,
      offline: T.offline,
      refused: T.refused,
    }[status] ||
    (detail && detail.message) ||
    "";
}

if (app) {
  const params = new URLSearchParams(window.location.search);
  if (params.get("order") === "newest") state.order = "newest";
  socket = new LiveSocket(app.dataset.ws, {
    query: () => (view === "moderate" ? { view: "moderate" } : {}),
    onSnapshot: (frame) => {
      applySnapshot(frame);
      render();
    },
    onFrame,
    onStatus,
  });
  if (view === "participant") setupComposer();
  if (view === "moderate") {
    $("qa-open").addEventListener("click", () => moderatorSend({ type: "session.open" }, T.sessionOpened));
    // Closing asks first, in an in-page dialog ("Keep it open" has the focus); the
    // dialog gives focus back to the button, and once the session is closed, to "Open".
    const closeDialog = $("qa-close-dialog");
    $("qa-close").addEventListener("click", () => {
      closeDialog.returnValue = "";
      closeDialog.showModal();
    });
    closeDialog.addEventListener("close", () => {
      if (closeDialog.returnValue !== "close") return;
      moderatorSend({ type: "session.close" }, T.sessionClosed);
    });
  }
  socket.start();
}
