"""Use the language a signed-in family member chose in their profile."""

from django.conf import settings
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
