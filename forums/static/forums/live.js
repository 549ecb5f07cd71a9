// Live connection shared by the Q&A pages and the peer rooms (forums/live/protocol.py).
//
// - Reconnects with exponential backoff and jitter; reconnects at once when the phone
//   comes back online or the tab becomes visible again.
// - On every (re)connect the server sends a `snapshot`; the page rebuilds from it.
// - Frames sent with a `client_ref` stay pending until the server acknowledges them
//   (`ack`, sent only after the row is committed) or refuses them (`error`); pending
//   frames are sent again after a reconnect with the same `client_ref`, and the server
//   answers a repeat with the same result, so nothing typed is lost or doubled.
// - `attachComposer` keeps what someone typed in the form (and in this tab's
//   sessionStorage) until it is acknowledged.
// - `announce` speaks through an aria-live region without moving focus.
// - A frame larger than the server takes (MAX_FRAME_BYTES of UTF-8, the same limit as
//   forums/live/protocol.py) is never sent: it is refused here with an `error`
//   (code `too_large`) the page shows like the server's, and never queued for resending.
// - While the server cannot reach its message service it says so and closes with 4503:
//   the status is "paused" (detail.message says why, in the reader's language) and the
//   socket retries with the same backoff.
// Everything a user typed is put on the page with textContent, never as HTML.

const PERMANENT_CLOSE_CODES = new Set([4401, 4403, 4404, 4408]);
const UNAVAILABLE_CLOSE_CODE = 4503;
const HEARTBEAT_MS = 25000;
const SILENCE_LIMIT_MS = 60000;

// forums/live/protocol.py MAX_FRAME_BYTES (tests/forums/test_live_hostile_input.py
// checks they are equal).
export const MAX_FRAME_BYTES = 16 * 1024;

// The words of the refusal, unless the page passes its own (options.messages.tooLarge).
const TOO_LARGE_MESSAGES = {
  en: "This is too long to send. Please shorten it and try again.",
  es: "Esto es demasiado largo para enviarlo. Acórtelo e inténtelo de nuevo.",
};

function pageLanguage() {
  const lang = (document.documentElement.lang || "en").toLowerCase().split("-")[0];
  return lang in TOO_LARGE_MESSAGES ? lang : "en";
}

const encoder = new TextEncoder();

// The size of a frame as the network carries it: UTF-8 bytes, not characters.
export function frameBytes(text) {
  return encoder.encode(text).length;
}

export function newClientRef() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export class LiveSocket {
  // path: e.g. "/ws/qa/family-night/"; options:
  //   onSnapshot(frame), onFrame(frame), onStatus(status, detail),
  //   query(): extra query parameters for the next connect (e.g. {after: lastId}),
  //   messages: {tooLarge} (translated words for a frame refused here).
  // Statuses: connecting, reconnecting, live, offline ({retryInMs}), paused ({retryInMs,
  // message}: the server's live updates are unavailable; retrying) and refused.
  constructor(path, options = {}) {
    this.path = path;
    this.onSnapshot = options.onSnapshot || (() => {});
    this.onFrame = options.onFrame || (() => {});
    this.onStatus = options.onStatus || (() => {});
    this.query = options.query || (() => ({}));
    this.messages = options.messages || {};
    this.pending = new Map();
    this.attempt = 0;
    this.socket = null;
    this.ready = false;
    this.stopped = false;
    this.timer = null;
    this.heartbeat = null;
    this.lastHeard = Date.now();
    this.lastError = null;
    window.addEventListener("online", () => this.reconnectNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.reconnectNow();
    });
  }

  url() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(this.query() || {})) {
      if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
    }
    const search = params.toString();
    return `${scheme}://${window.location.host}${this.path}${search ? `?${search}` : ""}`;
  }

  start() {
    this.stopped = false;
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    if (this.socket) this.socket.close(1000);
  }

  connect() {
    clearTimeout(this.timer);
    this.ready = false;
    this.onStatus(this.attempt === 0 ? "connecting" : "reconnecting");
    let socket;
    try {
      socket = new WebSocket(this.url());
    } catch (error) {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.addEventListener("message", (event) => this.handleMessage(event));
    socket.addEventListener("close", (event) => this.handleClose(event));
    socket.addEventListener("open", () => {
      this.lastHeard = Date.now();
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => this.checkHeartbeat(), HEARTBEAT_MS);
    });
  }

  handleMessage(event) {
    this.lastHeard = Date.now();
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (!frame || typeof frame.type !== "string") return;
    if (frame.type === "snapshot") {
      this.ready = true;
      this.attempt = 0;
      this.lastError = null;
      this.onSnapshot(frame);
      this.onStatus("live");
      // Send again whatever was not acknowledged before the connection dropped.
      for (const entry of this.pending.values()) this.transmit(entry.frame);
      return;
    }
    if (frame.type === "pong") return;
    if (frame.type === "ack" && frame.client_ref && this.pending.has(frame.client_ref)) {
      const entry = this.pending.get(frame.client_ref);
      this.pending.delete(frame.client_ref);
      entry.resolve(frame);
    } else if (frame.type === "error" && frame.client_ref && this.pending.has(frame.client_ref)) {
      const entry = this.pending.get(frame.client_ref);
      this.pending.delete(frame.client_ref);
      entry.reject(frame);
    } else if (frame.type === "error" && (!this.ready || !frame.client_ref)) {
      // Why the server may be about to close this socket (refused, or unavailable).
      this.lastError = frame;
    }
    this.onFrame(frame);
  }

  handleClose(event) {
    clearInterval(this.heartbeat);
    this.ready = false;
    if (this.stopped) return;
    if (PERMANENT_CLOSE_CODES.has(event.code)) {
      this.onStatus("refused", { code: event.code, error: this.lastError });
      for (const entry of this.pending.values()) {
        entry.reject(this.lastError || { type: "error", code: "forbidden", message: "" });
      }
      this.pending.clear();
      return;
    }
    if (event.code === UNAVAILABLE_CLOSE_CODE) {
      // Nothing is lost: pending frames wait and are sent after the next snapshot.
      const message = this.lastError && this.lastError.message ? this.lastError.message : "";
      this.scheduleReconnect("paused", { message });
      return;
    }
    this.scheduleReconnect();
  }

  scheduleReconnect(status = "offline", detail = {}) {
    if (this.stopped) return;
    this.attempt += 1;
    // 0.5 s, 1 s, 2 s, ... capped at 30 s, each scaled by a random 50-100 % (jitter),
    // so a thousand phones do not all come back in the same instant after a restart.
    const base = Math.min(30000, 500 * 2 ** Math.min(this.attempt - 1, 6));
    const delay = Math.round(base * (0.5 + Math.random() / 2));
    this.onStatus(status, { ...detail, retryInMs: delay });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.stopped) return;
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) return;
    this.attempt = Math.max(this.attempt, 1);
    this.connect();
  }

  checkHeartbeat() {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) {
      // A dead connection on a phone often never reports itself: start over.
      this.socket.close(4000);
      return;
    }
    this.transmit({ type: "ping" });
  }

  transmit(frame) {
    const text = JSON.stringify(frame);
    if (frameBytes(text) > MAX_FRAME_BYTES) return false;
    if (this.socket && this.socket.readyState === WebSocket.OPEN && this.ready) {
      this.socket.send(text);
      return true;
    }
    return false;
  }

  // The `error` frame the server would answer a frame over its limit with.
  tooLargeError(clientRef) {
    const error = {
      type: "error",
      code: "too_large",
      message: this.messages.tooLarge || TOO_LARGE_MESSAGES[pageLanguage()],
    };
    if (clientRef) error.client_ref = clientRef;
    return error;
  }

  // Send a frame that must be acknowledged. Resolves with the `ack` frame, rejects with
  // the `error` frame. While offline the frame waits and is sent after the next snapshot.
  // A frame over MAX_FRAME_BYTES is rejected at once (`too_large`) and never kept.
  request(frame) {
    const clientRef = frame.client_ref || newClientRef();
    const full = { ...frame, client_ref: clientRef };
    if (frameBytes(JSON.stringify(full)) > MAX_FRAME_BYTES) {
      return Promise.reject(this.tooLargeError(clientRef));
    }
    return new Promise((resolve, reject) => {
      this.pending.set(clientRef, { frame: full, resolve, reject });
      this.transmit(full);
    });
  }

  // Send a frame whose effect is visible in later broadcasts (a vote, a moderator
  // action). Returns false when offline so the page can say so; a frame over
  // MAX_FRAME_BYTES is not sent and the page hears a `too_large` error (onFrame).
  send(frame) {
    if (frameBytes(JSON.stringify(frame)) > MAX_FRAME_BYTES) {
      this.onFrame(this.tooLargeError());
      return false;
    }
    return this.transmit(frame);
  }

  get connected() {
    return this.ready;
  }
}

// Speak `text` politely through an aria-live region, without moving focus. Clearing
// first makes screen readers repeat identical consecutive messages.
// Reload the page (it re-renders for the account's standing now), at most once a minute
// per reason: a refusal the page itself cannot see must not become a reload loop.
export function reloadOnce(reason) {
  const key = `reload:${reason}`;
  try {
    const last = Number(window.sessionStorage.getItem(key) || 0);
    if (Date.now() - last < 60000) return false;
    window.sessionStorage.setItem(key, String(Date.now()));
  } catch (error) {
    return false;
  }
  window.location.reload();
  return true;
}

// A translated sentence with named parts, as gettext writes them: "%(name)s". The parts
// go in as text (callers put the result on the page with textContent).
export function fill(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_match, key) => String(values[key] ?? ""));
}

export function announce(region, text) {
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 60);
}

// Keep a composer's text until the server acknowledges it.
//   form, field (textarea), status (element for "sending…" etc.), live (LiveSocket),
//   storageKey (per page), buildFrame(text, form) -> frame, onAck(ack), onError(error),
//   messages: {sending, queued, sent}
export function attachComposer(options) {
  const { form, field, status, live, storageKey, buildFrame } = options;
  const messages = options.messages || {};
  const say = (text) => {
    if (status) status.textContent = text || "";
  };
  let storage = null;
  try {
    storage = window.sessionStorage;
  } catch (error) {
    storage = null;
  }
  if (storage && storageKey) {
    const saved = storage.getItem(storageKey);
    if (saved && !field.value) field.value = saved;
    field.addEventListener("input", () => {
      try {
        if (field.value) storage.setItem(storageKey, field.value);
        else storage.removeItem(storageKey);
      } catch (error) {
        // Storage full or disabled: the text is still in the form.
      }
    });
  }
  let inFlight = null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = field.value;
    if (!text.trim() || inFlight) return;
    const frame = buildFrame(text, form);
    say(live.connected ? messages.sending || "" : messages.queued || "");
    inFlight = live.request(frame);
    inFlight
      .then((ack) => {
        // Only clear what was sent: the person may have kept typing meanwhile.
        if (field.value === text) field.value = "";
        if (storage && storageKey) {
          try {
            if (field.value) storage.setItem(storageKey, field.value);
            else storage.removeItem(storageKey);
          } catch (error) {
            // ignore
          }
        }
        say(messages.sent || "");
        if (options.onAck) options.onAck(ack, text);
      })
      .catch((error) => {
        say((error && error.message) || "");
        if (options.onError) options.onError(error, text);
      })
      .finally(() => {
        inFlight = null;
      });
  });
}
