"""live.js in a real Chromium, against a stand-in WebSocket: a frame over the protocol's
limit is refused on the page (never sent, never queued for resending), and a server that
says live updates are unavailable (close code 4503) pauses the page, which retries with
backoff and keeps what was waiting to be sent."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from forums.live import protocol
from forums.live.consumer import CLOSE_UNAVAILABLE
from tests.browser.conftest import find_chromium, running_on_ci

LIVE_JS = Path(settings.BASE_DIR) / "forums" / "static" / "forums" / "live.js"
ORIGIN = "http://portal.test"

# A WebSocket that records what the page sends and lets the test play the server.
FAKE_WEBSOCKET = """
window.sockets = [];
class FakeWebSocket {
  constructor(url) {
    this.url = url;
    this.readyState = FakeWebSocket.CONNECTING;
    this.sent = [];
    this.listeners = {};
    window.sockets.push(this);
  }
  addEventListener(type, listener) { (this.listeners[type] ||= []).push(listener); }
  send(text) { this.sent.push(text); }
  close() { this.readyState = FakeWebSocket.CLOSED; }
  emit(type, event) { for (const listener of this.listeners[type] || []) listener(event); }
  serverOpens() { this.readyState = FakeWebSocket.OPEN; this.emit("open", {}); }
  serverSends(frame) { this.emit("message", { data: JSON.stringify(frame) }); }
  serverCloses(code) { this.readyState = FakeWebSocket.CLOSED; this.emit("close", { code }); }
}
Object.assign(FakeWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
window.WebSocket = FakeWebSocket;
"""

PAGE = """<!doctype html>
<html lang="{lang}"><head><title>live.js</title>
<script type="module">
import * as live from "/static/forums/live.js";
window.live = live;
window.statuses = [];
window.frames = [];
window.socket = new live.LiveSocket("/ws/test/", {{
  onStatus: (status, detail) => window.statuses.push({{ status, ...(detail || {{}}) }}),
  onFrame: (frame) => window.frames.push(frame),
}});
window.socket.start();
</script></head><body></body></html>"""

# Connect the current stand-in socket and hand it a snapshot: the page is live.
GO_LIVE = """() => {
  const current = window.sockets[window.sockets.length - 1];
  current.serverOpens();
  current.serverSends({ type: "snapshot" });
  return window.sockets.length;
}"""


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        if running_on_ci():
            pytest.fail("CI=true and Chromium is not installed", pytrace=False)
        pytest.skip("Chromium not found; install Debian's chromium package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable)
        yield launched
        launched.close()


def open_page(browser, lang="en"):
    page = browser.new_page()
    page.set_default_timeout(10_000)
    page.add_init_script(FAKE_WEBSOCKET)
    page.route(
        f"{ORIGIN}/static/forums/live.js",
        lambda route: route.fulfill(body=LIVE_JS.read_text(), content_type="text/javascript"),
    )
    page.route(
        f"{ORIGIN}/page",
        lambda route: route.fulfill(body=PAGE.format(lang=lang), content_type="text/html"),
    )
    page.goto(f"{ORIGIN}/page")
    page.wait_for_function("() => window.sockets && window.sockets.length === 1")
    page.evaluate(GO_LIVE)
    return page


def sent_types(page, socket_index):
    return page.evaluate(
        "(i) => window.sockets[i].sent.map((text) => JSON.parse(text).type)", socket_index
    )


def test_the_page_limit_is_the_servers(browser):
    page = open_page(browser)
    assert page.evaluate("window.live.MAX_FRAME_BYTES") == protocol.MAX_FRAME_BYTES
    page.close()


def test_a_request_over_the_limit_is_refused_on_the_page_and_never_resent(browser):
    page = open_page(browser)
    refused = page.evaluate(
        """async (limit) => {
          // Two bytes a character: under the limit in characters, over it in bytes.
          const text = "é".repeat(limit / 2 + 10);
          const request = window.socket.request({ type: "say", text, client_ref: "big" });
          const noAnswer = new Promise((resolve) => setTimeout(() => resolve("no answer"), 2000));
          return Promise.race([request.then(() => "sent", (error) => error), noAnswer]);
        }""",
        protocol.MAX_FRAME_BYTES,
    )
    assert refused != "no answer", "the page waited for the server"
    assert refused["type"] == "error" and refused["code"] == protocol.TOO_LARGE
    assert refused["client_ref"] == "big" and "too long" in refused["message"]
    assert page.evaluate("window.socket.pending.size") == 0
    assert sent_types(page, 0) == []

    # Offline: a small request waits; after the reconnect only it is sent.
    page.evaluate("window.sockets[0].serverCloses(1006)")
    page.evaluate("() => { window.socket.request({ type: 'say', text: 'Hi', client_ref: 's' }); }")
    page.wait_for_function("() => window.sockets.length === 2", timeout=5000)
    page.evaluate(GO_LIVE)
    assert sent_types(page, 1) == ["say"]
    assert page.evaluate("JSON.parse(window.sockets[1].sent[0]).client_ref") == "s"
    page.close()


def test_a_frame_of_exactly_the_limit_is_sent_and_one_byte_more_is_not(browser):
    page = open_page(browser)
    results = page.evaluate(
        """(limit) => {
          const base = JSON.stringify({ type: "say", client_ref: "r", text: "" }).length;
          const fits = { type: "say", client_ref: "r", text: "x".repeat(limit - base) };
          window.socket.request(fits);
          const over = { type: "say", client_ref: "r2", text: "x".repeat(limit - base + 1) };
          const noAnswer = new Promise((resolve) => setTimeout(() => resolve("no answer"), 2000));
          return Promise.race([
            window.socket.request(over).then(() => "sent", (error) => error.code),
            noAnswer,
          ]);
        }""",
        protocol.MAX_FRAME_BYTES,
    )
    assert results == protocol.TOO_LARGE
    sent = page.evaluate("window.sockets[0].sent")
    assert len(sent) == 1 and len(sent[0].encode()) == protocol.MAX_FRAME_BYTES
    page.close()


def test_a_broadcast_frame_over_the_limit_is_not_sent_and_the_page_hears_why(browser):
    page = open_page(browser, lang="es")
    sent = page.evaluate(
        "(limit) => window.socket.send({ type: 'say', text: 'x'.repeat(limit) })",
        protocol.MAX_FRAME_BYTES,
    )
    assert sent is False
    assert sent_types(page, 0) == []
    error = page.evaluate("window.frames[window.frames.length - 1]")
    assert error["code"] == protocol.TOO_LARGE and "demasiado largo" in error["message"]
    page.close()


def test_live_updates_unavailable_pause_the_page_which_retries_with_backoff(browser):
    page = open_page(browser)
    page.evaluate("() => { window.socket.request({ type: 'say', text: 'Hi', client_ref: 'w' }); }")
    message = "Live updates are unavailable right now."
    delays = []
    for attempt in range(1, 4):
        page.evaluate(
            """([code, message]) => {
              const current = window.sockets[window.sockets.length - 1];
              if (current.readyState !== 1) current.serverOpens();
              current.serverSends({ type: "error", code: "unavailable", message });
              current.serverCloses(code);
            }""",
            [CLOSE_UNAVAILABLE, message],
        )
        status = page.evaluate("window.statuses[window.statuses.length - 1]")
        assert status["status"] == "paused" and status["message"] == message
        delays.append(status["retryInMs"])
        base = 500 * 2 ** (attempt - 1)
        assert base / 2 <= status["retryInMs"] <= base
        page.wait_for_function(f"() => window.sockets.length === {attempt + 1}", timeout=5000)
    # What was waiting is still waiting (not refused), and goes out once live again.
    assert page.evaluate("window.socket.pending.has('w')")
    page.evaluate(GO_LIVE)
    assert sent_types(page, 3) == ["say"]
    assert page.evaluate("window.statuses[window.statuses.length - 1].status") == "live"
    page.close()
