"""What a person does with the site, in a real headless Chromium against a live `hrckg serve`.

Playwright drives Debian's /usr/bin/chromium (never a downloaded browser). Every page must load
without a Content Security Policy violation, a script error, or a request to another origin;
a screenshot of each step is saved under test-artifacts/screenshots/ (CI keeps it as an artefact).
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from live import ROOT

from external import server_on_both_stores as server  # noqa: F401 - every test runs on both stores

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
PHONE = {"width": 390, "height": 844}
REPORT_PARAGRAPH_12 = "/id/doc/A-HRC-35-20/para/12"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Visit:
    """A browser tab on the live server that records what must never happen on our pages."""

    def __init__(self, browser, server, viewport=None):
        self.base = f"http://127.0.0.1:{server.port}"
        self.context = browser.new_context(base_url=self.base, viewport=viewport or {"width": 1280, "height": 900},
                                           locale="en-GB")
        self.problems: list[str] = []
        self.context.route("**/*", self._only_our_server)
        self.page: Page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _only_our_server(self, route):
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or (url.hostname == "127.0.0.1" and url.port == int(self.base.rsplit(":", 1)[1])):
            route.continue_()
        else:
            self.problems.append(f"request to another origin: {route.request.url}")
            route.abort()

    def _console(self, message):
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def screenshot(self, name: str, full_page: bool = True) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    def close(self) -> None:
        self.context.close()
        assert self.problems == []


@pytest.fixture
def visit(browser, server):
    opened = Visit(browser, server)
    yield opened
    opened.close()


def search(visit: Visit, text: str) -> None:
    box = visit.page.locator("header form.search input[name=q]")
    box.fill(text)
    box.press("Enter")
    visit.page.wait_for_url(re.compile(r"/search\?"))


@pytest.mark.parametrize("text, name", [("柬埔寨", "Chinese"), ("Cambodia", "English")])
def test_search_from_home_reaches_cambodia_and_the_report_paragraph(visit, text, name):
    page = visit.page
    page.goto("/?lang=en")
    expect(page.locator("h1")).to_be_visible()
    visit.screenshot("01-home")
    search(visit, text)
    first = page.locator("main a[href='/id/country/KHM']").first
    expect(first).to_be_visible()
    visit.screenshot(f"02-search-{name}")
    first.click()
    page.wait_for_url("**/id/country/KHM")
    expect(page.locator("h1#title")).to_have_text("Cambodia")
    visit.screenshot(f"03-cambodia-{name}")
    page.locator(f"#source a[href='{REPORT_PARAGRAPH_12}']").click()
    page.wait_for_url("**" + REPORT_PARAGRAPH_12)
    expect(page.locator("h1#title")).to_have_text("A/HRC/35/20, paragraph 12")
    expect(page.locator("main")).to_contain_text("1993 年人权高专办在柬埔寨设立第一个办事处")
    visit.screenshot(f"04-paragraph-12-{name}")


def test_the_language_switch_changes_the_page_and_is_remembered(visit):
    page = visit.page
    page.goto("/id/country/KHM?lang=en")
    expect(page.locator("h1#title")).to_have_text("Cambodia")
    page.locator("#language-switch a[lang=zh]").click()
    expect(page.locator("h1#title")).to_have_text("柬埔寨")
    expect(page.locator("html")).to_have_attribute("lang", "zh")
    visit.screenshot("05-cambodia-zh")
    page.goto("/id/doc/HRC-51-draft-technical-cooperation")  # no lang= in the address: the cookie decides
    expect(page.locator("#panel-sponsors h2")).to_have_text("提案国")
    page.locator("#language-switch a[lang=en]").click()
    expect(page.locator("#panel-sponsors h2")).to_have_text("Sponsors")


def test_pages_fit_a_phone_screen(browser, server):
    phone = Visit(browser, server, viewport=PHONE)
    try:
        for path in ("/id/country/KHM", "/id/doc/A-HRC-35-20", "/id/doc/HRC-51-draft-technical-cooperation"):
            phone.page.goto(path + "?lang=zh")
            overflow = phone.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow}px wider than a phone screen"
        phone.screenshot("06-draft-on-a-phone")
    finally:
        phone.close()


def test_the_citation_network_and_a_neighbourhood_are_drawn(visit):
    page = visit.page
    page.goto("/citations?lang=en")
    picture = page.locator("main svg.picture")
    expect(picture).to_be_visible()
    box = picture.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    report = picture.locator("a[href='/id/doc/A-HRC-35-20']")
    expect(report).to_have_count(1)
    assert report.bounding_box()["width"] > 0  # drawn, not just present
    visit.screenshot("07-citation-network")
    report.click()
    page.wait_for_url("**/id/doc/A-HRC-35-20")
    page.goto("/id/country/KHM?lang=en")
    neighbourhood = page.locator("#neighbourhood svg")
    expect(neighbourhood).to_be_visible()
    expect(neighbourhood.locator("a[href='/id/org/ohchr-cambodia']")).to_have_count(1)
    page.locator("#neighbourhood").screenshot(path=str(SCREENSHOTS / "08-cambodia-neighbourhood.png"))


def test_a_gallery_query_runs_and_its_results_link_to_our_pages(visit):
    page = visit.page
    page.goto("/query?lang=en")
    expect(page.locator("#workbench.ready #yasgui .CodeMirror")).to_be_visible()
    page.locator('#gallery-examples a.run-query[data-name="draft-sponsors"]').click()
    results = page.locator("#yasgui .tabPanel.active")
    expect(results.locator(".yasr_response_chip")).to_contain_text("31 results")
    expect(results.locator(".yasr table.dataTable tbody tr")).to_have_count(31)
    assert "example=draft-sponsors" in page.url  # the address is the shareable link
    assert "format=csv" in page.locator("#download-csv").get_attribute("href")
    visit.screenshot("09-workbench-draft-sponsors")
    results.locator('tbody a.iri.local[href="/id/country/ALB"]').first.click()
    page.wait_for_url("**/id/country/ALB")
    expect(page.locator("h1#title")).to_have_text("Albania")
    expect(page.locator("#panel-state-sponsorships")).to_contain_text("Draft resolution 51/")


CONTRIBUTION = """@base <https://w3id.org/hrckg/id/> .
@prefix hrc:  <https://w3id.org/hrckg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
# FICTIONAL test data: a report paragraph that mentions a State code nobody has.
<doc/A-HRC-99-1> a hrc:Report ; rdfs:label "Report A/HRC/99/1 (test)"@en , "报告 A/HRC/99/1(测试)"@zh ;
    hrc:symbol "A/HRC/99/1" ; hrc:author <org/ohchr> ; prov:wasDerivedFrom <doc/A-HRC-99-1/para/1> .
<doc/A-HRC-99-1/para/1> a hrc:ReportParagraph ; rdfs:label "A/HRC/99/1, para. 1"@en , "A/HRC/99/1 第1段"@zh ;
    hrc:partOf <doc/A-HRC-99-1> ; hrc:text "<script>alert(1)</script> 测试。"@zh ; hrc:mentions <country/KHN> .
"""


def test_a_contributor_pastes_a_file_and_sees_the_report_the_hint_and_the_diff(visit):
    page = visit.page
    page.goto("/?lang=en")
    page.locator("header nav a[href='/contribute']").click()
    page.wait_for_url("**/contribute")
    page.locator("textarea#text").fill(CONTRIBUTION)
    page.locator("button[value=validate]").click()
    expect(page.locator("#verdict")).to_contain_text("Does not conform: 1 violation(s)")
    row = page.locator("table.results tr.violation")
    expect(row).to_contain_text("Dangling link")
    expect(row.locator(".hint")).to_contain_text("KHM (Cambodia)")  # the closest known State code
    expect(page.locator("#diff")).to_contain_text("2 new resource(s)")
    expect(page.locator("#diff")).to_contain_text("<script>alert(1)</script> 测试。")  # shown as text, never run
    expect(page.locator("textarea#text")).to_have_value(CONTRIBUTION)  # kept for the next attempt
    visit.screenshot("10-contribute-report")
    page.locator("ul.linked a[href='/id/org/ohchr']").click()
    page.wait_for_url("**/id/org/ohchr")
    expect(page.locator("h1#title")).to_have_text("Office of the United Nations High Commissioner for Human Rights")


def test_the_contributor_guide_links_its_templates(visit):
    page = visit.page
    page.goto("/contribute/guide?lang=en")
    expect(page.locator("h1")).to_be_visible()
    link = page.locator("a[href='/contribute/templates/resolution.ttl']").first
    expect(link).to_be_visible()
    visit.screenshot("11-contributor-guide", full_page=False)  # the whole guide is too tall for one picture
