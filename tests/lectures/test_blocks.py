"""Every block of a guide renders, and the FAQ is also schema.org FAQPage JSON-LD."""

import json
import re

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.rich_text import RichText

from lectures.blocks import GuideBodyBlock

pytestmark = pytest.mark.django_db


def _rich(text):
    return RichText(f"<p>{text}</p>")


def _faq(*pairs):
    return (
        "faq",
        {
            "title": "Common questions",
            "questions": [{"question": q, "answer": _rich(a)} for q, a in pairs],
        },
    )


@pytest.fixture
def image(db):
    return Image.objects.create(title="Kitchen table", file=get_test_image_file())


@pytest.fixture
def document(db):
    document = Document(title="Insurance appeal letter")
    document.file.save("appeal.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    return document


def _html_of(client, make_guide, block):
    guide = make_guide(body=[block])
    response = client.get(guide.url)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<div class="learn-body">') :].split("</article>")[0]


def test_a_heading_block_renders_as_a_second_level_heading(client, make_guide):
    html = _html_of(client, make_guide, ("heading", "Before the first day"))
    assert '<h2 class="guide-heading">Before the first day</h2>' in html


def test_a_paragraph_block_renders_its_rich_text(client, make_guide):
    html = _html_of(client, make_guide, ("paragraph", _rich("Bring your <b>card</b>.")))
    assert "Bring your <b>card</b>." in html


@pytest.mark.parametrize(
    ("kind", "label"), [("tip", "Tip"), ("caution", "Caution"), ("get_help", "Get help now")]
)
def test_a_callout_block_renders_its_kind(client, make_guide, kind, label):
    block = ("callout", {"kind": kind, "title": "", "text": _rich("Words.")})
    html = _html_of(client, make_guide, block)
    assert f'class="callout callout--{kind}"' in html
    assert f"<strong>{label}</strong>" in html


def test_a_get_help_callout_links_the_crisis_resources(client, make_guide):
    block = ("callout", {"kind": "get_help", "title": "", "text": _rich("Call now.")})
    html = _html_of(client, make_guide, block)
    assert 'href="#crisis-resources"' in html


def test_a_tip_callout_does_not_link_the_crisis_resources(client, make_guide):
    block = ("callout", {"kind": "tip", "title": "", "text": _rich("A tip.")})
    assert 'href="#crisis-resources"' not in _html_of(client, make_guide, block)


def test_a_checklist_block_renders_a_list(client, make_guide):
    block = ("checklist", {"title": "Bring", "items": ["ID card", "Medicines"]})
    html = _html_of(client, make_guide, block)
    assert '<ul class="checklist"><li>ID card</li><li>Medicines</li></ul>' in html


def test_a_steps_block_renders_an_ordered_list(client, make_guide):
    block = ("steps", {"title": "Steps", "steps": [_rich("Call"), _rich("Visit")]})
    html = _html_of(client, make_guide, block)
    assert re.search(r'<ol class="steps"><li>.*Call.*</li><li>.*Visit.*</li></ol>', html, re.S)


def test_a_faq_block_renders_each_question_as_details(client, make_guide):
    html = _html_of(client, make_guide, _faq(("Is IOP covered?", "Usually, yes.")))
    assert re.search(r"<details class=\"faq\">\s*<summary>Is IOP covered\?</summary>", html)
    assert "Usually, yes." in html


def test_a_quote_block_renders_a_blockquote_with_attribution(client, make_guide):
    block = ("quote", {"quote": "It got better.", "attribution": "A parent"})
    html = _html_of(client, make_guide, block)
    assert "<blockquote><p>It got better.</p></blockquote>" in html
    assert "— A parent" in html


def test_an_image_block_renders_with_its_alt_text(client, make_guide, image):
    block = ("image", {"image": image, "alt_text": "A family at a table", "caption": ""})
    html = _html_of(client, make_guide, block)
    assert 'alt="A family at a table"' in html


def test_an_image_block_requires_alt_text(image):
    from wagtail.blocks import StreamBlockValidationError

    body = GuideBodyBlock()
    value = body.to_python([{"type": "image", "value": {"image": image.pk, "alt_text": ""}}])
    with pytest.raises(StreamBlockValidationError):
        body.clean(value)


def test_a_document_block_links_the_document(client, make_guide, document):
    html = _html_of(client, make_guide, ("document", {"document": document, "title": ""}))
    assert f'href="{document.url}"' in html
    assert "Insurance appeal letter" in html


def test_a_related_content_block_links_live_pages(client, make_guide):
    other = make_guide("Paying for care")
    html = _html_of(client, make_guide, ("related", {"title": "Related reading", "pages": [other]}))
    assert f'<a href="{other.url}">Paying for care</a>' in html


# --- FAQ JSON-LD --------------------------------------------------------------------


def _json_ld(html):
    match = re.search(
        r'<script type="application/ld\+json" id="faq-json-ld">(.*?)</script>', html, re.S
    )
    assert match, "no FAQ JSON-LD on the page"
    return json.loads(match.group(1))


def test_faq_json_ld_parses_and_matches_the_questions(client, make_guide):
    guide = make_guide(
        body=[
            _faq(("Is IOP covered?", "Usually, yes."), ("Can I visit?", "Ask the team.")),
            ("paragraph", _rich("Between the FAQs.")),
            _faq(("What is a copay?", "A set amount per visit.")),
        ]
    )
    data = _json_ld(client.get(guide.url).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "FAQPage"
    assert [(q["name"], q["acceptedAnswer"]["text"]) for q in data["mainEntity"]] == [
        ("Is IOP covered?", "Usually, yes."),
        ("Can I visit?", "Ask the team."),
        ("What is a copay?", "A set amount per visit."),
    ]


def test_faq_json_ld_cannot_close_its_script_element(client, make_guide):
    guide = make_guide(body=[_faq(("</script><script>alert(1)</script>", "x & y"))])
    html = client.get(guide.url).content.decode()
    data = _json_ld(html)
    assert data["mainEntity"][0]["name"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)" not in html


def test_a_guide_without_faq_has_no_json_ld(client, make_guide):
    html = client.get(make_guide().url).content.decode()
    assert "application/ld+json" not in html


def test_faq_json_ld_answers_are_plain_text_without_html_entities(client, make_guide):
    guide = make_guide(
        body=[_faq(("Copays?", "Copays &amp; deductibles"), ("Tags?", "&lt;/script&gt;"))]
    )
    html = client.get(guide.url).content.decode()
    answers = [q["acceptedAnswer"]["text"] for q in _json_ld(html)["mainEntity"]]
    assert answers == ["Copays & deductibles", "</script>"]
    assert '</script>"' not in html
