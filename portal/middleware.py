"""Site-wide request handling: the reader's language, addresses no page can have, and
the security headers of the public site."""

from django.conf import settings
from django.http import Http404
from django.utils import translation


class PreferredLanguageMiddleware:
    """After LocaleMiddleware and authentication: a profile's preferred language wins
    over the browser's Accept-Language, unless the visitor picked one on this site
    (the language cookie set by Django's ``set_language`` view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            # A missing profile raises RelatedObjectDoesNotExist, an AttributeError.
            language = getattr(getattr(user, "profile", None), "preferred_language", "")
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


def _supported(code):
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def scope_language(scope):
    """The language for a websocket's reader, by the same rule as their pages
    (LocaleMiddleware, then the middleware above): a language picked on this site (the
    language cookie), else the profile's preferred language, else the browser's
    Accept-Language, else the site's default. Reads the profile: call it off the loop."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    cookie = (scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME)
    user = scope.get("user")
    preferred = ""
    if user is not None and user.is_authenticated:
        # A missing profile raises RelatedObjectDoesNotExist, an AttributeError.
        preferred = getattr(getattr(user, "profile", None), "preferred_language", "")
    accept = dict(scope.get("headers") or []).get(b"accept-language", b"").decode("latin-1")
    browser = [code for code, _quality in parse_accept_lang_header(accept) if code != "*"]
    for code in (cookie, preferred, *browser):
        if code and (supported := _supported(code)):
            return supported
    return settings.LANGUAGE_CODE


class RefuseNulCharactersMiddleware:
    """An address holding a NUL character is a 404 (no page has one), before any view or
    Wagtail's redirect look-up passes the path to the database: PostgreSQL can neither
    store nor compare text holding NUL and answers a query that tries with an error (a
    500 where SQLite finds nothing). No browser sends one. (Query strings reach views
    through forms, whose text fields refuse NUL themselves.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404("No such page.")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send a strict Content-Security-Policy (and a Permissions-Policy) on the public site.

    Families type into Q&A and peer rooms; everything they type is escaped, and this
    policy is the second line: no inline script, no script from anywhere but this site,
    no plug-ins, no framing of the portal, forms post only here. Embedded lecture videos
    (oEmbed players) may come from any https origin. Wagtail's admin (``/admin/``) relies
    on inline scripts and keeps its own headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY
        self.excluded = tuple(settings.CONTENT_SECURITY_POLICY_EXCLUDED_PATHS)

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and not request.path.startswith(self.excluded):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class StaffSecondFactorMiddleware:
    """A logged-in staff account without a second sign-in step (``portal.mfa``) is sent
    to set one up, from every page but the account pages themselves (allauth's
    ``/accounts/``: log out, set up the step, confirm the password, verify the email),
    static and media files and the language switch. The page it was going to is kept
    for the *Continue* link once the step is set up.

    Sockets do not pass through here: they refuse such an account staff powers
    themselves (see ``portal.mfa``)."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/")

    @staticmethod
    def _is_page_visit(request):
        """A page the person opened (not a script's background fetch, such as the
        queue's refresh): where *Continue* should take them back to."""
        mode = request.headers.get("Sec-Fetch-Mode")
        if mode is not None:
            return mode == "navigate"
        return request.headers.get("X-Requested-With") != "XMLHttpRequest"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.shortcuts import redirect

        from portal import mfa

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path_info.startswith(self.ALLOWED_PREFIXES)
        ):
            required, present = mfa.mfa_standing(user)
            if required and not present:
                if request.method == "GET" and self._is_page_visit(request):
                    request.session[mfa.NEXT_SESSION_KEY] = request.get_full_path()
                return redirect("mfa_activate_totp")
        return self.get_response(request)
