// The review queue, live: /ws/moderation/ says only that the queue changed (and whether
// a crisis hold arrived); the page then fetches itself again over HTTP — where the
// moderator's permission is checked — and swaps the queue in. While the moderator is
// working inside the queue (focus in it), nothing moves: a button offers the update.
import { LiveSocket, announce } from "./live.js";

const status = document.getElementById("queue-live-status");
const politeRegion = document.getElementById("queue-announcer");
const urgentRegion = document.getElementById("queue-urgent");
const stale = document.getElementById("queue-stale");
const refreshButton = document.getElementById("queue-refresh");
let fresh = null; // fetched queue not yet shown
let timer = null;
let urgent = false;
let connectedOnce = false;

function queueElement() {
  return document.getElementById("queue-live");
}

function working() {
  const current = queueElement();
  return current && current.contains(document.activeElement) && document.activeElement !== document.body;
}

function show(next) {
  const current = queueElement();
  if (!current || !next) return;
  current.replaceWith(next);
  fresh = null;
  stale.hidden = true;
}

async function refresh() {
  timer = null;
  const wasUrgent = urgent;
  urgent = false;
  let response;
  try {
    response = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
  } catch (error) {
    return; // offline: the socket reconnects and asks again
  }
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const next = page.getElementById("queue-live");
  if (!next) return;
  if (working()) {
    fresh = document.importNode(next, true);
    stale.hidden = false;
  } else {
    show(document.importNode(next, true));
  }
  if (wasUrgent) announce(urgentRegion, status.dataset.urgent);
  else announce(politeRegion, status.dataset.updated);
}

function schedule(isUrgent) {
  urgent = urgent || isUrgent;
  if (!timer) timer = window.setTimeout(refresh, isUrgent ? 0 : 400);
}

refreshButton.addEventListener("click", () => {
  const next = fresh;
  show(next);
  const heading = document.querySelector("#queue-live h2");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
});

const live = new LiveSocket("/ws/moderation/", {
  onSnapshot: () => {
    // After a reconnect, whatever happened meanwhile: fetch once.
    if (connectedOnce) schedule(false);
    connectedOnce = true;
  },
  onFrame: (frame) => {
    if (frame.type === "queue.changed") schedule(Boolean(frame.urgent));
  },
});
live.start();
