from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PreferredLanguageMiddleware(LocaleMiddleware):
    """Chinese for everyone unless they chose English with the switch in the header.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show English
    to a county official whose office PC came with an English Windows; the platform speaks
    Chinese first, so only the explicit choice (the language cookie) changes it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
