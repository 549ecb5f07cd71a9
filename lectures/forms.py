"""Admin forms for Learn: the page form every Learn page uses, and what a clinical reviewer
fills in when approving."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class LearningPageForm(WagtailAdminPageForm):
    """Wagtail's page form, which also says *which* draft holds a slug that is taken.

    Wagtail 8 autosaves a new page as soon as it has a title: an abandoned "Add guide" leaves
    an unfinished draft behind, and the next "Add guide" with the same title only heard
    "The slug ... is already in use". Now it hears which draft that is and where to open it.
    """

    def clean(self):
        slug = self.cleaned_data.get("slug")
        cleaned_data = super().clean()
        if slug and "slug" in self.errors and self.parent_page is not None:
            from lectures.services import drafts

            draft = drafts.unfinished_sibling_with_slug(self.parent_page, slug, self.instance)
            if draft is not None:
                self.errors["slug"] = self.error_class([drafts.slug_taken_message(draft)])
        return cleaned_data


class ClinicalApprovalForm(forms.Form):
    """The approval of the Clinical review task: the stamp a guide or lecture will carry
    ("Medically reviewed by NAME, CREDENTIALS on today's date", next review date) and an
    optional comment. Pages without a stamp (series, sections) only take the comment."""

    reviewer_name = forms.CharField(
        label=_("Your name as shown on the page"),
        max_length=120,
        help_text=_('e.g. "Dr. Elena Ortiz". Families see it under the title.'),
    )
    reviewer_credentials = forms.CharField(
        label=_("Your credentials"), max_length=80, help_text=_("e.g. MD, LCSW")
    )
    next_review_due = forms.DateField(
        label=_("Next review due"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Usually 12 months from today. The page appears under Review due then."),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    STAMP_FIELDS = ("reviewer_name", "reviewer_credentials", "next_review_due")
    # Set by for_task(): the task that was asked for the actions of (page, user).
    task = None

    @classmethod
    def for_task(cls, task):
        """The form class for ``task``'s approve action. Wagtail's workflow views build the
        form without the page or the user; they ask the task for its actions first, and
        the task keeps them (``acting_on``) for this form."""
        return type(cls.__name__, (cls,), {"task": task})

    def __init__(self, data=None, *args, page=None, user=None, today=None, **kwargs):
        if page is None and self.task is not None:
            page, user = getattr(self.task, "acting_on", (None, None))
        self.page, self.user = page, user
        self.today = today or timezone.localdate()
        super().__init__(data, *args, **kwargs)
        from lectures.services import clinical_review

        self.stamped = page is None or clinical_review.carries_review_stamp(page)
        if not self.stamped:
            for name in self.STAMP_FIELDS:
                del self.fields[name]
        elif data is None:
            self.initial.update(clinical_review.stamp_defaults(user, self.today))

    def clean_next_review_due(self):
        from lectures.services import clinical_review

        due = self.cleaned_data["next_review_due"]
        if due <= self.today:
            raise forms.ValidationError(_("The next review must be after today."))
        latest = self.today + clinical_review.LONGEST_REVIEW_INTERVAL
        if due > latest:
            raise forms.ValidationError(
                _("Review again by %(date)s at the latest.")
                % {"date": date_format(latest, "DATE_FORMAT")}
            )
        return due

    def stamp(self):
        """``{name, credentials, next_review_due}`` from valid data, or None (no stamp)."""
        if not self.stamped:
            return None
        return {
            "name": self.cleaned_data["reviewer_name"],
            "credentials": self.cleaned_data["reviewer_credentials"],
            "next_review_due": self.cleaned_data["next_review_due"],
        }

    def error_summary(self):
        """The field errors in one line, for a message outside the modal."""
        return " ".join(
            f"{self.fields[name].label}: {' '.join(errors)}"
            if name in self.fields
            else " ".join(errors)
            for name, errors in self.errors.items()
        )
