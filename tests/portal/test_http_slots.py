"""At most HTTP_MAX_CONCURRENCY requests inside Django at once (portal/http_slots.py).

The requests go through the whole middleware stack to a view of this module that counts
how many of its calls are inside it at once and waits there until the test opens its
gate; each request runs on a thread of its own (Django's ASGI handler), so without the
bound they would all be inside together.
"""

import asyncio
import threading

import pytest
from channels.testing import ApplicationCommunicator, HttpCommunicator
from django.http import HttpResponse
from django.urls import path

from portal.http_slots import BoundedASGIHandler

HOST = [(b"host", b"localhost")]


class Gate:
    def __init__(self):
        self.lock = threading.Lock()
        self.open = threading.Event()
        self.now = 0
        self.peak = 0
        self.calls = 0

    def __enter__(self):
        with self.lock:
            self.now += 1
            self.calls += 1
            self.peak = max(self.peak, self.now)

    def __exit__(self, *exc):
        with self.lock:
            self.now -= 1


gate = Gate()


def gated_view(request):
    with gate:
        assert gate.open.wait(timeout=10), "the test never opened the gate"
    return HttpResponse(f"done {request.method}")


urlpatterns = [path("slow/", gated_view)]


@pytest.fixture(autouse=True)
def this_module_is_the_site(settings):
    global gate
    gate = Gate()
    settings.ROOT_URLCONF = __name__
    yield
    gate.open.set()  # never leave a view thread waiting


async def inside(count):
    """Wait (up to 5 s) until ``count`` requests are inside the view."""
    for _ in range(500):
        if gate.now >= count:
            return True
        await asyncio.sleep(0.01)
    return False


async def get(app, target="/slow/"):
    communicator = HttpCommunicator(app, "GET", target, headers=HOST)
    return await communicator.get_response(timeout=10)


@pytest.mark.parametrize("bound", [1, 3])
async def test_no_more_than_the_bound_run_at_once_and_every_request_is_answered(bound):
    app = BoundedASGIHandler(bound)
    burst = asyncio.gather(*(get(app) for _ in range(8)))
    assert await inside(bound)
    await asyncio.sleep(0.1)  # time for any request the bound failed to stop
    assert gate.now == bound
    gate.open.set()
    responses = await burst
    assert [response["status"] for response in responses] == [200] * 8
    assert all(response["body"] == b"done GET" for response in responses)
    assert gate.calls == 8
    assert gate.peak == bound


async def test_without_a_bound_the_requests_are_inside_together():
    # The measure above can see overlap: with 0 (no bound) the whole burst gets in.
    app = BoundedASGIHandler(0)
    burst = asyncio.gather(*(get(app) for _ in range(8)))
    assert await inside(8)
    gate.open.set()
    responses = await burst
    assert [response["status"] for response in responses] == [200] * 8


def scope(method, target="/slow/"):
    return {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "path": target,
        "raw_path": target.encode(),
        "query_string": b"",
        "headers": HOST,
    }


async def test_a_slow_upload_holds_no_slot():
    app = BoundedASGIHandler(1)
    # (A GET with a body: a POST would need a CSRF token, which is not what is tested.)
    upload = ApplicationCommunicator(app, scope("GET"))
    await upload.send_input({"type": "http.request", "body": b"part one", "more_body": True})

    # The only slot is free while the upload's body is still arriving.
    other = asyncio.ensure_future(get(app))
    assert await inside(1)
    gate.open.set()
    assert (await other)["status"] == 200

    await upload.send_input({"type": "http.request", "body": b" and two", "more_body": False})
    start = await upload.receive_output(timeout=10)
    assert start["status"] == 200
    body = await upload.receive_output(timeout=10)
    assert body["body"] == b"done GET"
    await upload.wait(timeout=10)


async def test_a_client_that_leaves_while_queued_gives_up_its_place():
    app = BoundedASGIHandler(1)
    first = asyncio.ensure_future(get(app))
    assert await inside(1)  # the first request holds the only slot
    leaving = ApplicationCommunicator(app, scope("GET"))
    await leaving.send_input({"type": "http.request", "body": b"", "more_body": False})
    await leaving.send_input({"type": "http.disconnect"})
    await leaving.wait(timeout=10)

    gate.open.set()
    assert (await first)["status"] == 200
    responses = await asyncio.gather(*(get(app) for _ in range(3)))
    assert [response["status"] for response in responses] == [200] * 3
    assert gate.calls == 4  # the request that left never reached the view
    assert gate.peak == 1


async def test_a_client_that_leaves_while_its_request_runs_gives_its_slot_back():
    app = BoundedASGIHandler(1)
    leaving = ApplicationCommunicator(app, scope("GET"))
    await leaving.send_input({"type": "http.request", "body": b"", "more_body": False})
    assert await inside(1)  # it holds the only slot, inside the view
    await leaving.send_input({"type": "http.disconnect"})
    await leaving.wait(timeout=10)

    # The slot came back: later requests are served (the left request's thread is let
    # go too; it may finish beside them).
    later = asyncio.gather(*(get(app) for _ in range(3)))
    gate.open.set()
    responses = await later
    assert [response["status"] for response in responses] == [200] * 3


# (WhiteNoise answers with a synchronous file iterator; Django says so, and serves it.)
@pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous")
async def test_static_files_never_wait_for_a_slot():
    app = BoundedASGIHandler(1)
    busy = asyncio.ensure_future(get(app))
    assert await inside(1)  # the only slot is taken
    static = ApplicationCommunicator(app, scope("GET", "/static/portal/css/portal.css"))
    await static.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await static.receive_output(timeout=5)
    assert start["type"] == "http.response.start"
    assert start["status"] == 200
    body = b""
    while True:
        chunk = await static.receive_output(timeout=5)
        body += chunk.get("body", b"")
        if not chunk.get("more_body"):
            break
    assert b"--brand" in body
    gate.open.set()
    assert (await busy)["status"] == 200
