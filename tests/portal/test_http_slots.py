"""At most HTTP_MAX_CONCURRENCY requests inside Django at once (portal/http_slots.py).

The requests go through the whole middleware stack to a view of this module that counts
how many of its calls overlap; each request runs on a thread of its own (Django's ASGI
handler), so without the bound they all overlap.
"""

import asyncio
import threading
import time

import pytest
from channels.testing import ApplicationCommunicator, HttpCommunicator
from django.http import HttpResponse
from django.urls import path

from portal.http_slots import BoundedASGIHandler

HOST = [(b"host", b"localhost")]


class Overlap:
    def __init__(self):
        self.lock = threading.Lock()
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


overlap = Overlap()


def slow_view(request):
    with overlap:
        time.sleep(0.05)
    return HttpResponse(f"done {request.method}")


urlpatterns = [path("slow/", slow_view)]


@pytest.fixture(autouse=True)
def this_module_is_the_site(settings):
    global overlap
    overlap = Overlap()
    settings.ROOT_URLCONF = __name__


async def get(app):
    communicator = HttpCommunicator(app, "GET", "/slow/", headers=HOST)
    return await communicator.get_response(timeout=10)


@pytest.mark.parametrize("bound", [1, 3])
async def test_no_more_than_the_bound_run_at_once_and_every_request_is_answered(bound):
    app = BoundedASGIHandler(bound)
    responses = await asyncio.gather(*(get(app) for _ in range(8)))
    assert [response["status"] for response in responses] == [200] * 8
    assert all(response["body"] == b"done GET" for response in responses)
    assert overlap.calls == 8
    assert overlap.peak == bound


async def test_without_a_bound_the_requests_overlap():
    # The measure above can see overlap: with 0 (no bound) the same burst overlaps more.
    app = BoundedASGIHandler(0)
    responses = await asyncio.gather(*(get(app) for _ in range(8)))
    assert [response["status"] for response in responses] == [200] * 8
    assert overlap.peak > 3


def scope(method):
    return {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "path": "/slow/",
        "raw_path": b"/slow/",
        "query_string": b"",
        "headers": HOST,
    }


async def test_a_slow_upload_holds_no_slot():
    app = BoundedASGIHandler(1)
    # (A GET with a body: a POST would need a CSRF token, which is not what is tested.)
    upload = ApplicationCommunicator(app, scope("GET"))
    await upload.send_input({"type": "http.request", "body": b"part one", "more_body": True})

    # The only slot is free while the upload's body is still arriving.
    response = await get(app)
    assert response["status"] == 200

    await upload.send_input({"type": "http.request", "body": b" and two", "more_body": False})
    start = await upload.receive_output(timeout=10)
    assert start["status"] == 200
    body = await upload.receive_output(timeout=10)
    assert body["body"] == b"done GET"
    await upload.wait(timeout=10)


async def test_a_client_that_leaves_while_queued_gives_up_its_place_and_no_slot_is_lost():
    app = BoundedASGIHandler(1)
    first = asyncio.ensure_future(get(app))
    await asyncio.sleep(0.01)  # the first request holds the only slot
    leaving = ApplicationCommunicator(app, scope("GET"))
    await leaving.send_input({"type": "http.request", "body": b"", "more_body": False})
    await asyncio.sleep(0.01)
    await leaving.send_input({"type": "http.disconnect"})
    await leaving.wait(timeout=10)

    assert (await first)["status"] == 200
    # Still one slot, still free: later requests are served one at a time.
    responses = await asyncio.gather(*(get(app) for _ in range(3)))
    assert [response["status"] for response in responses] == [200] * 3
    assert overlap.calls == 4  # the request that left never reached the view
    assert overlap.peak == 1
