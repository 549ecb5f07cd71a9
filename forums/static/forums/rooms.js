// A peer room: live chat over /ws/rooms/<slug>/ (forums/rooms/protocol.py).
// Everything a member typed goes on the page with textContent, never as HTML.
import { LiveSocket, announce, attachComposer, fill, newClientRef, reloadOnce } from "./live.js";

const root = document.getElementById("room");
const slug = root.dataset.slug;
const isModerator = root.dataset.moderator === "true";
const T = JSON.parse(document.getElementById("room-strings").textContent);
const EDIT_WINDOW_MS = 10 * 60 * 1000;

const els = {
  list: document.getElementById("messages"),
  pinned: document.getElementById("pinned"),
  pinnedSection: document.getElementById("pinned-section"),
  older: document.getElementById("older"),
  announcer: document.getElementById("announcer"),
  connection: document.getElementById("room-connection"),
  status: document.getElementById("room-status"),
  modPresent: document.getElementById("moderator-present"),
  presence: document.getElementById("presence"),
  guidelines: document.getElementById("guidelines"),
  guidelinesForm: document.getElementById("guidelines-form"),
  body: document.getElementById("room-body"),
  form: document.getElementById("composer"),
  field: document.getElementById("composer-body"),
  composerStatus: document.getElementById("composer-status"),
  checkin: document.getElementById("composer-checkin"),
  replyBox: document.getElementById("reply-to"),
  replyText: document.getElementById("reply-text"),
  replyCancel: document.getElementById("reply-cancel"),
  crisis: document.getElementById("crisis-panel"),
  crisisText: document.getElementById("crisis-text"),
  dialog: document.getElementById("report-dialog"),
  reportForm: document.getElementById("report-form"),
  reportNote: document.getElementById("report-note"),
  reportCancel: document.getElementById("report-cancel"),
  modAlerts: document.getElementById("mod-alerts"),
  identity: document.getElementById("identity"),
  slowMode: document.getElementById("slow-mode"),
  slowModeSet: document.getElementById("slow-mode-set"),
  roomToggle: document.getElementById("room-toggle"),
};

const messages = new Map(); // id -> message data
let me = { member_id: null, hidden: [] };
let room = {};
let lastId = 0;
let replyTo = null;
let reportTarget = null;
let editing = null; // { id, draft, error } while I edit one of my messages in place

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function button(label, handler, extra = "") {
  const node = el("button", `button button--small button--secondary ${extra}`.trim(), label);
  node.type = "button";
  node.addEventListener("click", handler);
  return node;
}

function timeLabel(iso) {
  try {
    return new Date(iso).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  } catch (error) {
    return "";
  }
}

function moderatorAction(frame) {
  return live.request(frame).catch((error) => {
    if (els.modAlerts) els.modAlerts.textContent = (error && error.message) || "";
  });
}

function renderMessage(message) {
  const item = el("li", "message");
  item.id = `message-${message.id}`;
  item.dataset.id = message.id;
  const hidden = message.member_id && me.hidden.includes(message.member_id);
  if (message.state === "held") item.classList.add("message--held");
  if (message.checkin) item.classList.add("message--checkin");
  const head = el("p", "message__head");
  const author = el("strong", "message__author", message.author);
  head.append(author);
  if (message.moderator) head.append(" ", el("span", "badge", T.moderator));
  if (message.checkin) head.append(" ", el("span", "badge", T.checkin));
  const when = el("time", "message__time", timeLabel(message.created));
  when.dateTime = message.created;
  head.append(" ", when);
  if (message.edited) head.append(" ", el("span", "message__edited", `(${T.edited})`));
  if (message.state === "held") head.append(" ", el("span", "badge badge--held", T.heldBadge));
  item.append(head);
  if (hidden) {
    item.append(el("p", "message__hidden", T.hiddenMember));
  } else {
    if (message.reply_to) {
      const quote = el("p", "message__reply");
      quote.textContent = `${T.replyingTo} ${message.reply_to.author}: ${message.reply_to.excerpt}`;
      item.append(quote);
    }
    if (editing && editing.id === message.id) item.append(editForm(message));
    else item.append(el("p", "message__body", message.body));
  }
  const actions = el("div", "message__actions");
  const mine = me.member_id && message.member_id === me.member_id;
  if (message.state === "visible" && !hidden) {
    actions.append(button(T.reply, () => startReply(message)));
  }
  if (!mine && message.state === "visible") {
    actions.append(button(T.report, () => openReport(message)));
  }
  if (editing && editing.id === message.id) {
    // While editing, the form's own Save and Cancel are the message's actions.
  } else if (mine && Date.now() - new Date(message.created).getTime() < EDIT_WINDOW_MS) {
    actions.append(button(T.edit, () => startEdit(message), "message__edit"));
    actions.append(button(T.delete, () => live.request({ type: "message.delete", message_id: message.id }).catch(showError)));
  }
  if (!mine && message.member_id && !isModerator) {
    actions.append(
      button(hidden ? T.unhide : T.hide, () =>
        live
          .request({ type: "member.hide", member_id: message.member_id, hidden: !hidden })
          .then((ack) => {
            me.hidden = ack.hidden || [];
            rerenderAll();
          })
          .catch(showError),
      ),
    );
  }
  if (isModerator) {
    if (message.state === "held") {
      actions.append(button(T.release, () => moderatorAction({ type: "message.release", message_id: message.id })));
    }
    actions.append(
      button(T.remove, (event) => openModeration("remove", { type: "message.remove", message_id: message.id }, message, event.currentTarget), "button--danger-outline"),
    );
    if (message.state === "visible") {
      actions.append(button(message.pinned ? T.unpin : T.pin, () => moderatorAction({ type: "message.pin", message_id: message.id, pinned: !message.pinned })));
    }
    if (message.member_id && !message.moderator) {
      actions.append(button(T.mute, (event) => openModeration("mute", { type: "member.mute", member_id: message.member_id }, message, event.currentTarget)));
      actions.append(button(T.ban, (event) => openModeration("ban", { type: "member.ban", member_id: message.member_id }, message, event.currentTarget)));
      actions.append(button(T.who, () => moderatorAction({ type: "member.identify", member_id: message.member_id })));
    }
  }
  if (actions.childElementCount) item.append(actions);
  return item;
}

function place(message) {
  const existing = document.getElementById(`message-${message.id}`);
  const node = renderMessage(message);
  if (existing && existing.parentElement === els.list) {
    // Keep keyboard focus on the same button of a message drawn again (e.g. after Pin).
    const buttons = Array.from(existing.querySelectorAll("button"));
    const focused = buttons.indexOf(document.activeElement);
    const typing = existing.contains(document.activeElement) && document.activeElement.tagName === "TEXTAREA";
    const caret = typing ? [document.activeElement.selectionStart, document.activeElement.selectionEnd] : null;
    existing.replaceWith(node);
    const field = typing && node.querySelector("textarea");
    if (field) {
      field.focus();
      field.setSelectionRange(caret[0], caret[1]);
    } else if (focused >= 0) {
      const again = node.querySelectorAll("button");
      const target = again[Math.min(focused, again.length - 1)];
      if (target) target.focus();
    }
    return false;
  }
  // Keep ids ascending: find the first rendered message with a larger id.
  const after = Array.from(els.list.children).find((child) => Number(child.dataset.id) > message.id);
  els.list.insertBefore(node, after || null);
  return true;
}

function upsert(message) {
  messages.set(message.id, message);
  lastId = Math.max(lastId, message.id);
  const added = place(message);
  renderPinned();
  return added;
}

function drop(id) {
  messages.delete(id);
  const node = document.getElementById(`message-${id}`);
  if (node) {
    // A removed message that held keyboard focus hands it to a neighbour, not to <body>.
    const hadFocus = node.contains(document.activeElement);
    const neighbour = node.nextElementSibling || node.previousElementSibling;
    node.remove();
    if (hadFocus) {
      const target = (neighbour && neighbour.querySelector("button")) || els.field;
      if (target) target.focus();
    }
  }
  renderPinned();
}

function renderPinned() {
  els.pinned.replaceChildren();
  const pinned = Array.from(messages.values()).filter((m) => m.pinned && m.state === "visible");
  for (const message of pinned) {
    const item = el("li", "message message--pinned");
    item.append(el("strong", "message__author", message.author), " ", el("span", "message__body", message.body));
    els.pinned.append(item);
  }
  els.pinnedSection.hidden = pinned.length === 0;
}

function rerenderAll() {
  for (const message of messages.values()) place(message);
  renderPinned();
}

function applyRoom(data) {
  room = data;
  els.status.textContent = data.open ? T.open : data.closed_reason;
  if (data.slow_mode && data.open) els.status.textContent += ` ${T.slow.replace("%s", data.slow_mode)}`;
  if (els.slowMode) els.slowMode.value = data.slow_mode;
  if (els.roomToggle) els.roomToggle.textContent = data.state === "open" ? T.closeRoom : T.openRoom;
  const canPost = isModerator || data.open;
  els.field.disabled = !canPost;
}

function applyMembership(data) {
  me = data;
  els.guidelines.hidden = data.guidelines_accepted;
  els.body.hidden = !data.guidelines_accepted;
}

function applySnapshot(frame) {
  applyRoom(frame.room);
  applyMembership(frame.membership);
  const resumed = lastId > 0 && !frame.gap;
  if (!resumed) {
    messages.clear();
    els.list.replaceChildren();
  }
  for (const id of frame.gone || []) drop(id);
  for (const message of frame.changed || []) upsert(message);
  for (const message of frame.pinned || []) messages.has(message.id) || messages.set(message.id, message);
  for (const message of frame.messages) upsert(message);
  els.older.hidden = !(frame.has_more || frame.gap);
  renderPinned();
}

function renderPresence(frame) {
  els.presence.replaceChildren();
  let moderatorHere = false;
  for (const member of frame.members || []) {
    const item = el("li", null, member.name);
    if (member.moderator) {
      moderatorHere = true;
      item.append(" ", el("span", "badge", T.moderator));
    }
    els.presence.append(item);
  }
  els.modPresent.hidden = !moderatorHere;
}

function showError(error) {
  els.composerStatus.textContent = (error && error.message) || "";
}

function showCrisis(text) {
  els.crisisText.textContent = text || "";
  els.crisis.hidden = false;
  els.crisis.focus();
}

function handleFrame(frame) {
  switch (frame.type) {
    case "message.added":
    case "message.updated": {
      const added = upsert(frame.message);
      if (added && frame.type === "message.added" && !(me.hidden || []).includes(frame.message.member_id)) {
        announce(els.announcer, `${T.newMessage} ${frame.message.author}: ${frame.message.body}`);
      }
      break;
    }
    case "message.removed":
      if (messages.has(frame.id)) {
        drop(frame.id);
        announce(els.announcer, T.removed);
      }
      break;
    case "messages.page":
      for (const message of frame.messages) upsert(message);
      els.older.hidden = !frame.has_more;
      break;
    case "room.updated":
      applyRoom(frame.room);
      break;
    case "membership.updated": {
      // Muted or unmuted, a member hidden or shown (in this tab or another), joined.
      const hiddenBefore = (me.hidden || []).join();
      applyMembership({ ...me, ...frame.membership });
      if ((me.hidden || []).join() !== hiddenBefore) rerenderAll();
      break;
    }
    case "presence":
      renderPresence(frame);
      break;
    case "alert":
      if (els.modAlerts) els.modAlerts.textContent = T.crisisAlert;
      break;
    case "member.identity":
      if (els.identity) els.identity.textContent = `${frame.name}: ${frame.email} (#${frame.account_id})`;
      break;
    case "error":
      // A moderator's socket that lost the role says so, then reconnects as a member's:
      // the page reloads to drop the moderator controls and any held message on it.
      if (isModerator && !frame.client_ref && frame.code === "forbidden" && reloadOnce(`room-role:${slug}`)) break;
      if (!frame.client_ref) els.composerStatus.textContent = frame.message;
      break;
    default:
      break;
  }
}

const live = new LiveSocket(`/ws/rooms/${slug}/`, {
  query: () => (lastId ? { after: lastId } : {}),
  onSnapshot: applySnapshot,
  onFrame: handleFrame,
  onStatus: (status, detail) => {
    // "paused": the server said why (live updates unavailable), in the reader's language.
    els.connection.textContent = T[status] || (detail && detail.message) || "";
  },
});

function startReply(message) {
  replyTo = message.id;
  els.replyText.textContent = `${T.replyingTo} ${message.author}: ${message.body.slice(0, 80)}`;
  els.replyBox.hidden = false;
  els.field.focus();
}

els.replyCancel.addEventListener("click", () => {
  replyTo = null;
  els.replyBox.hidden = true;
  els.field.focus();
});

// Editing my own message happens in place: the body becomes a labelled text box with
// Save and Cancel (Escape cancels); the draft survives re-renders of the list, and focus
// returns to the message's Edit button afterwards.
function editForm(message) {
  const form = el("form", "message__edit-form");
  const fieldId = `edit-${message.id}`;
  const label = el("label", "visually-hidden", T.editLabel);
  label.htmlFor = fieldId;
  const field = el("textarea", "message__edit-field");
  field.id = fieldId;
  field.name = "body";
  field.rows = 3;
  field.maxLength = 2000;
  field.required = true;
  field.value = editing.draft;
  field.addEventListener("input", () => {
    editing.draft = field.value;
  });
  const status = el("p", "message__edit-status", editing.error || "");
  status.id = `edit-status-${message.id}`;
  status.setAttribute("role", "status");
  field.setAttribute("aria-describedby", status.id);
  const save = el("button", "button button--small", T.save);
  save.type = "submit";
  const cancel = button(T.cancel, () => finishEdit(message.id));
  const row = el("div", "message__actions");
  row.append(save, cancel);
  form.append(label, field, status, row);
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      finishEdit(message.id);
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = field.value;
    if (!body.trim()) {
      field.focus();
      return;
    }
    if (body === message.body) {
      finishEdit(message.id);
      return;
    }
    save.disabled = true;
    live.request({ type: "message.edit", message_id: message.id, body }).then(
      (ack) => {
        finishEdit(message.id);
        if (ack.crisis) showCrisis(ack.explanation);
        else if (ack.state === "held") els.composerStatus.textContent = ack.explanation || T.held;
        else announce(els.announcer, T.saved);
      },
      (error) => {
        // Keep the form and the draft; say why next to the field.
        if (!editing || editing.id !== message.id) return;
        editing.error = (error && error.message) || "";
        redrawEditing(message.id);
      },
    );
  });
  return form;
}

function redrawEditing(id) {
  const message = messages.get(id);
  if (!message) return;
  place(message);
  const field = document.getElementById(`edit-${id}`);
  if (field) field.focus();
}

function startEdit(message) {
  editing = { id: message.id, draft: message.body, error: "" };
  redrawEditing(message.id);
}

function finishEdit(id) {
  editing = null;
  const message = messages.get(id);
  if (!message) return;
  place(message);
  const node = document.getElementById(`message-${id}`);
  const focusable = node && (node.querySelector(".message__edit") || node.querySelector("button"));
  if (focusable) focusable.focus();
}

function openReport(message) {
  reportTarget = message;
  els.reportForm.reset();
  els.dialog.showModal();
}

els.reportCancel.addEventListener("click", () => els.dialog.close());
els.reportForm.addEventListener("submit", (event) => {
  const reason = els.reportForm.querySelector("input[name=reason]:checked");
  if (!reason || !reportTarget) return;
  event.preventDefault();
  const target = reportTarget;
  els.dialog.close();
  live
    .request({ type: "message.flag", message_id: target.id, reason: reason.value, note: els.reportNote.value })
    .then((ack) => (ack && ack.crisis ? showCrisis(ack.explanation) : announce(els.announcer, T.reported)), showError);
  const node = document.getElementById(`message-${target.id}`);
  const focusable = node && node.querySelector("button");
  if (focusable) focusable.focus();
});

// Remove, mute and ban ask in one dialog: a reason (required to remove or ban, optional
// to mute) and, to mute, for how long. Focus goes back to the button that opened it.
const mod = {
  dialog: document.getElementById("mod-dialog"),
  form: document.getElementById("mod-form"),
  heading: document.getElementById("mod-heading"),
  target: document.getElementById("mod-target"),
  reasonError: document.getElementById("mod-reason-error"),
  durationRow: document.getElementById("mod-duration-row"),
  duration: document.getElementById("mod-duration"),
  reason: document.getElementById("mod-reason"),
  cancel: document.getElementById("mod-cancel"),
};
let modPending = null;

const EXCERPT_LENGTH = 80;

function excerpt(text) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH - 1)}…` : flat;
}

function showReasonError(shown) {
  mod.reasonError.hidden = !shown;
  if (shown) mod.reason.setAttribute("aria-invalid", "true");
  else mod.reason.removeAttribute("aria-invalid");
}

function openModeration(kind, frame, message, opener) {
  if (!mod.dialog) return;
  modPending = { kind, frame, opener };
  mod.form.reset();
  showReasonError(false);
  mod.heading.textContent = mod.dialog.dataset[`title${kind[0].toUpperCase()}${kind.slice(1)}`];
  // textContent only: what members typed is never markup here.
  mod.target.textContent =
    kind === "remove"
      ? fill(T.targetMessage, { author: message.author, excerpt: excerpt(message.body || "") })
      : fill(T.targetMember, { author: message.author });
  mod.durationRow.hidden = kind !== "mute";
  mod.reason.required = kind !== "mute";
  mod.dialog.showModal();
}

function closeModeration() {
  const opener = modPending && modPending.opener;
  modPending = null;
  mod.dialog.close();
  if (opener && opener.isConnected) opener.focus();
}

if (mod.dialog) {
  mod.cancel.addEventListener("click", closeModeration);
  mod.reason.addEventListener("input", () => {
    if (mod.reason.value.trim()) showReasonError(false);
  });
  mod.form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!modPending) return;
    const reason = mod.reason.value.trim();
    if (mod.reason.required && !reason) {
      showReasonError(true);
      mod.reason.focus();
      return;
    }
    const frame = { ...modPending.frame, reason };
    if (modPending.kind === "mute") frame.minutes = Number(mod.duration.value);
    closeModeration();
    moderatorAction(frame);
  });
}

els.older.addEventListener("click", () => {
  const first = Math.min(...Array.from(messages.keys()).filter((id) => document.getElementById(`message-${id}`)));
  if (Number.isFinite(first)) live.send({ type: "messages.before", before_id: first, client_ref: newClientRef() });
});

els.guidelinesForm.addEventListener("submit", (event) => {
  if (!live.connected) return; // without the socket, the form posts normally
  event.preventDefault();
  live.request({ type: "guidelines.accept" }).then(() => els.field.focus(), showError);
});

if (els.slowModeSet) {
  els.slowModeSet.addEventListener("click", () =>
    moderatorAction({ type: "room.slow_mode", seconds: Number(els.slowMode.value) || 0 }),
  );
  els.roomToggle.addEventListener("click", () =>
    moderatorAction({ type: room.state === "open" ? "room.close" : "room.open" }),
  );
}

attachComposer({
  form: els.form,
  field: els.field,
  status: els.composerStatus,
  live,
  storageKey: `room-draft:${slug}`,
  buildFrame: (text) => {
    const frame = { type: "message.send", body: text, reply_to: replyTo };
    if (els.checkin && els.checkin.checked) frame.checkin = true;
    return frame;
  },
  messages: { sending: T.sending, queued: T.queued, sent: T.sent },
  onAck: (ack) => {
    replyTo = null;
    els.replyBox.hidden = true;
    if (els.checkin) els.checkin.checked = false;
    if (ack.crisis) showCrisis(ack.explanation);
    else if (ack.state === "held") els.composerStatus.textContent = ack.explanation || T.held;
  },
});

live.start();
