"""Wagtail's userbar, only where it belongs: on a page Wagtail serves.

``{% wagtailuserbar %}`` renders for any signed-in account with admin access, whatever
the page; on a view of ours (the moderation queue, the Q&A console) it then loads the
admin's vendor.js, userbar.js and core.css for a bar that has nothing to edit, and
the moderators' phones pay for it in first paint (issue #20). Outside Wagtail's pages
this tag renders nothing.
"""

from django import template
from wagtail.admin.templatetags.wagtailuserbar import get_page_instance, wagtailuserbar
from wagtail.models import Page

register = template.Library()


@register.simple_tag(takes_context=True)
def page_userbar(context, position="bottom-right"):
    """The userbar when the template renders a Wagtail ``Page`` (``page``/``self`` in
    the context, as ``Page.serve`` and previews set them), else nothing."""
    if not isinstance(get_page_instance(context), Page):
        return ""
    return wagtailuserbar(context, position)
