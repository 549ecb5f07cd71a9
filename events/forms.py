"""Family-facing forms. They only parse input; the rules live in ``events.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import EventKind, Interpreter
from events.services import Needs


class SignupForm(forms.Form):
    party_size = forms.TypedChoiceField(
        label=_("How many people are coming, including you?"), coerce=int
    )
    attendee_names = forms.CharField(
        label=_("First names of those coming (optional)"),
        max_length=200,
        required=False,
        help_text=_("Only program staff see this."),
    )
    interpreter = forms.ChoiceField(
        label=_("Interpreter"), choices=Interpreter.choices, required=False
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        max_length=300,
        required=False,
        help_text=_("For example step-free access, seating or hearing loop."),
    )
    other_needs = forms.CharField(
        label=_("Anything else we should know (optional)"), max_length=300, required=False
    )

    def __init__(self, *args, max_party_size, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_size"].choices = [(n, str(n)) for n in range(1, max_party_size + 1)]
        self.fields["party_size"].help_text = _("Up to %(max)s people.") % {"max": max_party_size}

    def needs(self):
        data = self.cleaned_data
        return Needs(
            attendee_names=data["attendee_names"],
            interpreter=data["interpreter"],
            accessibility_needs=data["accessibility_needs"],
            other_needs=data["other_needs"],
        )


class PartySizeForm(forms.Form):
    party_size = forms.TypedChoiceField(label=_("People coming"), coerce=int)

    def __init__(self, *args, max_party_size, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_size"].choices = [(n, str(n)) for n in range(1, max_party_size + 1)]


class KindFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Show"),
        choices=[("", _("All kinds"))] + list(EventKind.choices),
        required=False,
    )
