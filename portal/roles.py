"""The portal's roles, held as Django groups (created by migration 0002_roles).

Feature apps grant their own permissions to these groups in their own data migrations,
so that the core never needs to know about them.
"""

from django.utils.translation import gettext_lazy as _

FAMILY_MEMBERS = "Family members"
MODERATORS = "Moderators"
CARE_COORDINATORS = "Care coordinators"
CONTENT_EDITORS = "Content editors"
CLINICAL_REVIEWERS = "Clinical reviewers"

ALL_ROLES = [FAMILY_MEMBERS, MODERATORS, CARE_COORDINATORS, CONTENT_EDITORS, CLINICAL_REVIEWERS]
STAFF_ROLES = [MODERATORS, CARE_COORDINATORS, CONTENT_EDITORS, CLINICAL_REVIEWERS]
# The roles that write and review content. Clinical reviewers can do everything content
# editors can (docs/roles-and-privacy.md): screens for editors check these roles.
EDITORIAL_ROLES = [CONTENT_EDITORS, CLINICAL_REVIEWERS]

ROLE_DESCRIPTIONS = {
    FAMILY_MEMBERS: _("Every family account. Uses the public site only."),
    MODERATORS: _("Run live Q&A sessions and peer-support rooms."),
    CARE_COORDINATORS: _("Schedule groups and events, see rosters, mark attendance."),
    CONTENT_EDITORS: _("Write lectures and guides in the admin and submit them for review."),
    CLINICAL_REVIEWERS: _("Approve health content before it is published."),
}


def user_roles(user):
    """The names of the roles a user holds, in the order of ALL_ROLES."""
    if not user.is_authenticated:
        return []
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in ALL_ROLES if role in names]


def has_role(user, role):
    return user.is_authenticated and user.groups.filter(name=role).exists()


def has_any_role(user, names):
    """An active, logged-in account holding at least one of the roles ``names``."""
    return (
        user.is_authenticated
        and user.is_active
        and user.groups.filter(name__in=list(names)).exists()
    )
