// The review queue, live: /ws/moderation/ says only that the queue changed (and whether
// a crisis hold arrived); the page then fetches itself again over HTTP — where the
// moderator's permission is checked — and swaps the queue in. While the moderator is
// working inside the queue (focus in it), nothing moves: a button offers the update.
import { LiveSocket, announce, reloadOnce } from "./live.js";

const status = document.getElementById("queue-live-status");
const politeRegion = document.getElementById("queue-announcer");
const urgentRegion = document.getElementById("queue-urgent");
const stale = document.getElementById("queue-stale");
const refreshButton = document.getElementById("queue-refresh");
const connection = document.getElementById("queue-connection");
let fresh = null; // fetched queue not yet shown
let timer = null;
let fetching = false; // one fetch at a time; a change during it asks for another
let dirty = false;
let urgent = false;
let failures = 0;

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

async function fetchQueue() {
  const response = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
  if (response.redirected || !response.ok) throw new Error(String(response.status));
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const next = page.getElementById("queue-live");
  if (!next) throw new Error("no queue in the page");
  return next;
}

async function refresh() {
  timer = null;
  if (fetching) {
    dirty = true;
    return;
  }
  fetching = true;
  dirty = false;
  const wasUrgent = urgent;
  urgent = false;
  let next;
  try {
    next = await fetchQueue();
  } catch (error) {
    // Offline, or the server was busy: keep the urgency and try again, later each time.
    fetching = false;
    urgent = urgent || wasUrgent;
    failures += 1;
    schedule(false, Math.min(30000, 1000 * 2 ** Math.min(failures, 5)));
    return;
  }
  fetching = false;
  failures = 0;
  const current = queueElement();
  if (current && current.textContent === next.textContent && !wasUrgent) {
    // Nothing a moderator can see changed (e.g. the fetch on connecting): stay quiet.
    if (dirty) schedule(false);
    return;
  }
  if (working()) {
    fresh = document.importNode(next, true);
    stale.hidden = false;
  } else {
    show(document.importNode(next, true));
  }
  if (wasUrgent) announce(urgentRegion, status.dataset.urgent);
  else announce(politeRegion, status.dataset.updated);
  if (dirty) schedule(false);
}

function schedule(isUrgent, delay) {
  urgent = urgent || isUrgent;
  if (timer && isUrgent) {
    window.clearTimeout(timer);
    timer = null;
  }
  if (!timer) timer = window.setTimeout(refresh, delay !== undefined ? delay : isUrgent ? 0 : 400);
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
  // On every (re)connect, whatever happened since the page was drawn: fetch once.
  onSnapshot: () => schedule(false),
  onFrame: (frame) => {
    if (frame.type === "queue.changed") schedule(Boolean(frame.urgent));
  },
  onStatus: (state, detail) => {
    // Logged out, or no longer a moderator: the page itself decides what to show.
    if (state === "refused" && reloadOnce("queue-refused")) return;
    if (connection) {
      connection.textContent = connection.dataset[state] || (detail && detail.message) || "";
    }
  },
});
live.start();
