"""The reader's language (English or Chinese): chosen by ?lang=, remembered in a cookie, else
guessed from Accept-Language. Labels fall back to the other language when one is missing."""

from urllib.parse import urlencode

from flask import request
from werkzeug.datastructures import LanguageAccept

LANGUAGES = ("en", "zh")
COOKIE = "lang"
_ONE_YEAR = 365 * 24 * 3600


def chosen_language() -> str:
    """?lang= first (the switch link), then the remembered choice, then the browser's preference."""
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    accepted: LanguageAccept = request.accept_languages
    return accepted.best_match(["en", "zh", "zh-CN", "zh-Hans"], default="en")[:2]


def remember_language(response):
    """Keep a ?lang= choice in a cookie, so every later page uses it."""
    wanted = request.args.get("lang")
    if wanted in LANGUAGES and request.cookies.get(COOKIE) != wanted:
        response.set_cookie(COOKIE, wanted, max_age=_ONE_YEAR, samesite="Lax", httponly=True)
    return response


def in_language(values: dict[str, str], lang: str) -> str | None:
    """The value for lang, else for the other language, else any value; None when there is none.

    `values` maps a language tag ("" for none) to a value."""
    if not values:
        return None
    order = [lang, *(other for other in LANGUAGES if other != lang), ""]
    for tag in order:
        if tag in values:
            return values[tag]
    for tag, value in sorted(values.items()):
        if tag.split("-")[0] in order:
            return value
    return values[sorted(values)[0]]


def ui(english: str, chinese: str) -> str:
    """Interface text in the reader's language; templates call it as ui("Search", "搜索")."""
    return chinese if chosen_language() == "zh" else english


def language_url(lang: str) -> str:
    """This page again, in lang: the same path and arguments with lang= replaced."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return request.path + "?" + urlencode(args, doseq=True)
