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
// Everything a user typed is put on the page with textContent, never as HTML.

const PERMANENT_CLOSE_CODES = new Set([4401, 4403, 4404, 4408]);
const HEARTBEAT_MS = 25000;
const SILENCE_LIMIT_MS = 60000;

export function newClientRef() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export class LiveSocket {
  // path: e.g. "/ws/qa/family-night/"; options:
  //   onSnapshot(frame), onFrame(frame), onStatus(status, detail),
  //   query(): extra query parameters for the next connect (e.g. {after: lastId}).
  constructor(path, options = {}) {
    this.path = path;
    this.onSnapshot = options.onSnapshot || (() => {});
    this.onFrame = options.onFrame || (() => {});
    this.onStatus = options.onStatus || (() => {});
    this.query = options.query || (() => ({}));
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
    } else if (frame.type === "error" && !this.ready) {
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
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (this.stopped) return;
    this.attempt += 1;
    // 0.5 s, 1 s, 2 s, ... capped at 30 s, each scaled by a random 50-100 % (jitter),
    // so a thousand phones do not all come back in the same instant after a restart.
    const base = Math.min(30000, 500 * 2 ** Math.min(this.attempt - 1, 6));
    const delay = Math.round(base * (0.5 + Math.random() / 2));
    this.onStatus("offline", { retryInMs: delay });
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
    if (this.socket && this.socket.readyState === WebSocket.OPEN && this.ready) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  // Send a frame that must be acknowledged. Resolves with the `ack` frame, rejects with
  // the `error` frame. While offline the frame waits and is sent after the next snapshot.
  request(frame) {
    const clientRef = frame.client_ref || newClientRef();
    const full = { ...frame, client_ref: clientRef };
    return new Promise((resolve, reject) => {
      this.pending.set(clientRef, { frame: full, resolve, reject });
      this.transmit(full);
    });
  }

  // Send a frame whose effect is visible in later broadcasts (a vote, a moderator
  // action). Returns false when offline so the page can say so.
  send(frame) {
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
