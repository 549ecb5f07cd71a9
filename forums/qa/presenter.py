"""What the presenter view (a projector in the room) shows besides the questions: the
session's full address and a QR code of it, drawn on the server as inline SVG (no
external service sees the address, and the page needs no image request)."""

from xml.etree import ElementTree as ET

import qrcode
import qrcode.constants
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from qrcode.image.svg import SvgPathFillImage

# M recovers from about 15% damage: a projected code is read at an angle, through glare.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def session_address(session):
    """The participant page's full address, on the site's public base URL."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return base + reverse("forums:qa-session", args=[session.slug])


def breakable(address):
    """``address`` as HTML that a narrow column wraps after a slash (``<wbr>``), not in
    the middle of a word: "https://site/<wbr>qa/<wbr>family-night/<wbr>"."""
    start = address.find("://")
    start = start + 3 if start >= 0 else 0
    pieces = address[start:].split("/")
    html = escape(address[:start]) + "/<wbr>".join(escape(piece) for piece in pieces)
    return mark_safe(html)  # noqa: S308 (every piece escaped)


def qr_code(data):
    """A ``qrcode.QRCode`` holding ``data``: the one place its settings live (the tests
    draw the same code to compare)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, box_size=10, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_svg(data, *, label):
    """``data`` as a QR code in an inline ``<svg>``: one path of dark modules on a white
    square, scaled by CSS (no fixed size), named ``label`` for assistive technology.

    The markup is built with ElementTree, which escapes ``label`` in its attribute, so
    the result is safe to put on the page as it is.
    """
    image = qr_code(data).make_image(image_factory=SvgPathFillImage)
    svg = image.get_image()
    for fixed in ("width", "height", "version"):
        svg.attrib.pop(fixed, None)
    path = svg.find("path")
    if path is not None:
        path.attrib.pop("id", None)  # "qr-path": no id the page does not need
    svg.set("class", "qa-present__qr")
    svg.set("role", "img")
    svg.set("aria-label", label)
    svg.set("focusable", "false")
    svg.set("shape-rendering", "crispEdges")  # no hairlines between modules when scaled
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308 (escaped by ET)
