"""The blocks of a recovery guide's body. Each renders its own template in
templates/lectures/blocks/, so a guide is plain, semantic HTML."""

from html import unescape

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.stream_block import StreamValue
from wagtail.blocks.struct_block import StructValue
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText

PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.CharBlock):
    """A section heading. Always an <h2>: the page title is the only <h1>."""

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "lectures/blocks/heading.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[
            ("tip", _("Tip")),
            ("caution", _("Caution")),
            ("get_help", _("Get help now")),
        ],
        default="tip",
        label=_("Kind"),
        help_text=_('"Get help now" also links to the crisis resources on every page.'),
    )
    title = blocks.CharBlock(label=_("Title"), max_length=120, required=False)
    text = blocks.RichTextBlock(label=_("Text"), features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "lectures/blocks/callout.html"


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120, required=False)
    items = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("Items"), min_num=1)

    class Meta:
        icon = "tick"
        label = _("Checklist")
        template = "lectures/blocks/checklist.html"


class StepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120, required=False)
    steps = blocks.ListBlock(
        blocks.RichTextBlock(features=["bold", "italic", "link"]), label=_("Steps"), min_num=1
    )

    class Meta:
        icon = "list-ol"
        label = _("Numbered steps")
        template = "lectures/blocks/steps.html"


class QuestionAnswerBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=300)
    answer = blocks.RichTextBlock(label=_("Answer"), features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "help"
        label = _("Question and answer")


class FAQBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        label=_("Title"), max_length=120, required=False, default="Common questions"
    )
    questions = blocks.ListBlock(QuestionAnswerBlock(), label=_("Questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("FAQ")
        template = "lectures/blocks/faq.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Who said it"), max_length=160, required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "lectures/blocks/quote.html"


class AccessibleImageBlock(blocks.StructBlock):
    """An image whose alternative text is required (Wagtail's own ImageBlock lets an
    editor mark an image decorative; every image in a guide carries meaning)."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alt text"),
        max_length=250,
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "lectures/blocks/image.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Link text"), max_length=160, required=False, help_text=_("Defaults to its title.")
    )

    class Meta:
        icon = "doc-full"
        label = _("Document link")
        template = "lectures/blocks/document_link.html"


class RelatedContentBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        label=_("Title"), max_length=120, required=False, default="Related reading"
    )
    pages = blocks.ListBlock(blocks.PageChooserBlock(), label=_("Pages"), min_num=1)

    class Meta:
        icon = "link"
        label = _("Related content")
        template = "lectures/blocks/related.html"


class GuideBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=PARAGRAPH_FEATURES, template="lectures/blocks/paragraph.html"
    )
    callout = CalloutBlock()
    checklist = ChecklistBlock()
    steps = StepsBlock()
    faq = FAQBlock()
    quote = QuoteBlock()
    image = AccessibleImageBlock()
    document = DocumentLinkBlock()
    related = RelatedContentBlock()


def faq_entries(stream_value):
    """``[(question, answer_text)]`` of every FAQ block in a guide body, in page order."""
    entries = []
    for block in stream_value:
        if block.block_type == "faq":
            for item in block.value["questions"]:
                answer = unescape(strip_tags(item["answer"].source)).strip()
                entries.append((item["question"], answer))
    return entries


def plain_text(value):
    """The words a reader sees in a block value (stream, struct, list or rich text)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, RichText):
        return strip_tags(value.source)
    if isinstance(value, StreamValue):
        return "\n".join(plain_text(child.value) for child in value)
    if isinstance(value, StructValue):
        return "\n".join(plain_text(child) for child in value.values())
    if isinstance(value, ListValue):
        return "\n".join(plain_text(child) for child in value)
    return ""
