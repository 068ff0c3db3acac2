"""Every kind of page is valid HTML (html5lib's strict parser: no parse error at all), says its
language, loads nothing from another origin, and has no inline script or style."""

import re

import html5lib
import pytest

from external import site_app_on_both_stores as site_app  # noqa: F401 - every test runs on both stores

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGES = [
    "/", "/browse", "/browse/hrc:State?page=2&sort=label&order=desc", "/search?q=柬埔寨", "/search?q=cambodia",
    "/id/country/KHM", "/id/doc/A-HRC-35-20", "/id/doc/HRC-51-draft-technical-cooperation",
    "/id/doc/A-HRC-35-20/para/12", "/id/fund/vf-technical-cooperation", "/id/activity/cambodia-monitoring",
    "/id/org/ohchr", "/vocab/operative-verb/requests", "/ontology", "/shapes", "/query", "/citations",
    "/downloads", "/graph", "/graph/data/generated/states", "/sparql", "/.well-known/void", "/contribute",
    "/contribute/guide",
]
NOT_FOUND = "/id/country/XXX"


def strict_parse(body: str):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(body)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", PAGES + [NOT_FOUND])
def test_page_is_valid_html_with_its_language(client, path, lang):
    response = client.get(path + ("&" if "?" in path else "?") + "lang=" + lang, headers={"Accept": BROWSER})
    assert response.status_code == (404 if path == NOT_FOUND else 200)
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    try:
        document = strict_parse(body)
    except html5lib.html5parser.ParseError as error:
        line = body.splitlines()[max(0, int(re.search(r"line (\d+)", str(error)).group(1)) - 1)] if "line" in str(error) else ""
        pytest.fail(f"{path}: {error}\n{line[:300]}")
    assert document.get("lang") == lang
    assert not document.findall(".//style"), "inline <style> is forbidden by the CSP"
    assert not [e.tag for e in document.iter() if "style" in e.attrib], "style attributes are forbidden"
    for script in document.iter("script"):
        assert script.get("src", "").startswith("/static/"), "scripts come only from our /static/"
        assert not (script.text or "").strip(), "no inline script"
    for link in document.iter("link"):
        href = link.get("href", "")
        assert not re.match(r"^(https?:)?//", href), f"{href} loads from another origin"
