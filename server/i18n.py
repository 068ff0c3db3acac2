"""The reader's language (English or Chinese): chosen by ?lang=, remembered in a cookie, else
guessed from Accept-Language. Labels fall back to the other language when one is missing."""

from urllib.parse import urlencode

from flask import g, request
from werkzeug.datastructures import LanguageAccept

LANGUAGES = ("en", "zh")
COOKIE = "lang"
_ONE_YEAR = 365 * 24 * 3600


def chosen_language() -> str:
    """?lang= first (the switch link), then the remembered choice, then the browser's preference.

    Asking marks the answer as depending on the cookie and Accept-Language (see vary_on_language)."""
    g.language_used = True
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    accepted: LanguageAccept = request.accept_languages
    return accepted.best_match(["en", "zh", "zh-CN", "zh-Hans"], default="en")[:2]


def vary_on_language(response):
    """Caches must keep apart the answers that chosen_language() shaped."""
    if g.get("language_used"):
        response.vary.update(("Cookie", "Accept-Language"))
    return response


def remember_language(response):
    """Keep a ?lang= choice in a cookie, so every later page uses it."""
    wanted = request.args.get("lang")
    if wanted in LANGUAGES and request.cookies.get(COOKIE) != wanted:
        response.set_cookie(COOKIE, wanted, max_age=_ONE_YEAR, samesite="Lax", httponly=True)
    return response


def in_language(values: dict[str, str], lang: str) -> str | None:
    """The value for lang, else for the other language, else untagged, else any; None when there is none.

    `values` maps a language tag ("" for none) to a value; zh-Hans counts as zh, en-GB as en."""
    if not values:
        return None
    for wanted in (lang, *(other for other in LANGUAGES if other != lang)):
        if wanted in values:
            return values[wanted]
        for tag in sorted(values):
            if tag.lower().split("-")[0] == wanted:
                return values[tag]
    return values.get("", values[sorted(values)[0]])


def ui(english: str, chinese: str) -> str:
    """Interface text in the reader's language; templates call it as ui("Search", "搜索")."""
    return chinese if chosen_language() == "zh" else english


def language_url(lang: str) -> str:
    """This page again, in lang: the same arguments with lang= replaced. Relative to the page, so a
    strange path (/\\evil.example) can never turn it into a link to another site."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return "?" + urlencode(args, doseq=True)
