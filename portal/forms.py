"""Forms for sign-up, profile, emergency contact and account deletion."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import roles, services
from portal.display_names import (
    DISPLAY_NAME_MAX_LENGTH,
    looks_like_full_name,
    uses_staff_title,
    validate_display_name,
)
from portal.models import Language, Relationship


class DisplayNameFieldsMixin(forms.Form):
    """Display name, relationship and language, with the display-name rules.

    A name that looks like a real first and last name is not refused: the form comes
    back once with a gentle warning and a box to tick to keep it.
    """

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text=_(
            "Other families see this name in live Q&A and peer rooms. Choose a nickname "
            "such as “Hopeful Dad” — not your real name, email or phone number."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    # Hidden until the name looks like a real full name; then shown as a checkbox.
    keep_full_name = forms.BooleanField(
        label=_("Yes, show this name to other families"),
        required=False,
        widget=forms.HiddenInput,
    )
    relationship = forms.ChoiceField(
        label=_("Your relationship to the person in treatment"),
        choices=[("", _("Prefer not to say"))] + list(Relationship.choices),
        required=False,
        help_text=_("Private: only program staff see this."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", _("No preference"))] + list(Language.choices),
        required=False,
    )

    # Set by the view for the profile form, so the person's own name is not "taken".
    owner = None
    full_name_warning = None

    def _owner_is_staff(self):
        owner = self.owner
        if owner is None:
            return False
        return owner.is_superuser or bool(set(roles.user_roles(owner)) & set(roles.STAFF_ROLES))

    # Set when the name was refused for crisis language: the template shows the crisis
    # resources beside the form.
    crisis = False

    def clean_display_name(self):
        try:
            name = validate_display_name(self.cleaned_data["display_name"])
        except forms.ValidationError as error:
            if error.code == "crisis":
                self.crisis = True
                owner = self.owner if getattr(self.owner, "pk", None) else None
                services.report_crisis_in_display_name(owner, where=type(self).__name__)
            raise
        if uses_staff_title(name) and not self._owner_is_staff():
            raise forms.ValidationError(
                _(
                    "Names with staff titles such as “moderator” or “admin” are kept for "
                    "program staff, so families always know who is who."
                ),
                code="staff_title",
            )
        if services.display_name_taken(name, exclude_user=self.owner):
            raise forms.ValidationError(
                _("Someone else already uses that display name. Please choose another."),
                code="taken",
            )
        return name

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("display_name")
        unchanged = (
            self.owner is not None
            and getattr(getattr(self.owner, "profile", None), "display_name", None) == name
        )
        if name and looks_like_full_name(name) and not unchanged:
            if not cleaned.get("keep_full_name"):
                self.full_name_warning = _(
                    "“%(name)s” looks like a real first and last name. Other families will "
                    "see it. If you would rather stay private, choose a nickname; if you are "
                    "happy to use it, tick the box below."
                ) % {"name": name}
                self.fields["keep_full_name"].widget = forms.CheckboxInput()
                self.add_error("keep_full_name", self.full_name_warning)
        return cleaned


class SignupProfileForm(DisplayNameFieldsMixin):
    """Extra sign-up fields; allauth calls ``signup`` once the account exists."""

    field_order = [
        "email",
        "display_name",
        "keep_full_name",
        "relationship",
        "preferred_language",
        "password1",
        "password2",
    ]

    def signup(self, request, user):
        # The name was free when the form was validated; if another sign-up took it in
        # the meantime, the service picks a numbered variant rather than failing.
        services.register_family_member(
            user,
            display_name=self.cleaned_data["display_name"],
            relationship=self.cleaned_data.get("relationship", ""),
            preferred_language=self.cleaned_data.get("preferred_language", ""),
            allow_numbered_variant=True,
        )


class ProfileForm(DisplayNameFieldsMixin):
    def __init__(self, *args, owner, **kwargs):
        self.owner = owner
        profile = getattr(owner, "profile", None)
        if profile is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "display_name": profile.display_name,
                "relationship": profile.relationship,
                "preferred_language": profile.preferred_language,
            }
        super().__init__(*args, **kwargs)


class EmailChoicesForm(forms.ModelForm):
    """Which email a family receives (account and sign-up mail always go out)."""

    class Meta:
        from portal.models import Profile

        model = Profile
        fields = [
            "reminder_day_before",
            "reminder_two_hours_before",
            "email_answers",
            "email_room_replies",
        ]


class EmergencyContactForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    relationship = forms.CharField(label=_("Relationship to you"), max_length=80, required=False)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = [ch for ch in phone if ch.isdigit()]
        if len(digits) < 7 or any(not (ch.isdigit() or ch in " +-().") for ch in phone):
            raise forms.ValidationError(
                _("Enter a phone number, such as 555-123-4567."), code="phone"
            )
        return phone


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("That password is not right. Your account has not been deleted."),
                code="wrong_password",
            )
        return password
