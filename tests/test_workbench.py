"""The query workbench (/query): the page and its gallery, the JSON it reads, the vendored YASGUI,
and its Content Security Policy. Plain HTTP here; the browser tests drive the editor itself."""

import base64
import csv
import hashlib
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from hrckg import workbench
from hrckg.namespaces import PREFIXES

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
VENDOR = ROOT / "server" / "static" / "vendor" / "yasgui"
EXAMPLES = sorted(p for p in QUERIES.glob("*.rq") if not p.stem.endswith("-violation"))
CHECKS = sorted(QUERIES.glob("*-violation.rq"))
FEDERATED = sorted((QUERIES / "federated").glob("*.rq"))
OTHER_ORIGIN = re.compile(r"https?://", re.IGNORECASE)



def editor_text(path: Path) -> str:
    """A gallery file as the editor shows it: the file without its maintainers' `# checked:` note."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept, skipping = [], False
    for line in lines:
        if line.startswith("# checked:"):
            skipping = True
        elif not (skipping and re.match(r"#\s{2,}\S", line)):
            skipping = False
            kept.append(line)
    assert "# checked:" not in "".join(kept)
    return "".join(kept)

def title_of(path: Path) -> str:
    """The `# title:` line of a query file, read independently of the module under test."""
    match = re.search(r"^# title:\s*(.+?)\s*$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{path.name} has no title line"
    return match.group(1)


class Page(HTMLParser):
    """Collects what the tests look at: elements by id, gallery items, attributes, textarea text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs) in document order
        self.by_id = {}
        self.items = {}  # gallery list id -> [(data-name, title, attrs)]
        self.textarea = None
        self._list = self._item = self._title = None
        self._in_textarea = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if "id" in attrs:
            self.by_id[attrs["id"]] = (tag, attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "ul" and "gallery" in classes:
            self._list = attrs["id"]
            self.items[self._list] = []
        elif tag == "li" and "gallery-item" in classes:
            self._item = attrs
        elif tag == "h3" and "gallery-title" in classes:
            self._title = []
        elif tag == "span" and self._title is not None:
            self._title.append(None)  # a badge: the title is the text before it
        elif tag == "textarea" and attrs.get("id") == "query-text":
            self._in_textarea, self.textarea = True, ""

    def handle_endtag(self, tag):
        if tag == "h3" and self._title is not None:
            words = self._title[:self._title.index(None)] if None in self._title else self._title
            self.items[self._list].append((self._item["data-name"], "".join(words).strip(), self._item))
            self._title = None
        elif tag == "textarea":
            self._in_textarea = False
        elif tag == "ul":
            self._list = None

    def handle_data(self, data):
        if self._title is not None:
            self._title.append(data)
        if self._in_textarea:
            self.textarea += data


def get_page(client, url="/query"):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return response, Page(response.get_data(as_text=True))


# --- the page -------------------------------------------------------------------------------

def test_page_lists_every_query_with_the_title_from_its_file(client):
    _, page = get_page(client)
    expected = {
        "gallery-examples": [(p.stem, title_of(p)) for p in EXAMPLES],
        "gallery-federated": [(f"federated/{p.stem}", title_of(p)) for p in FEDERATED],
        "gallery-checks": [(p.stem, title_of(p)) for p in CHECKS],
    }
    assert {key: [(name, title) for name, title, _ in items] for key, items in page.items.items()} == expected
    assert len(expected["gallery-examples"]) >= 18 and expected["gallery-checks"] and expected["gallery-federated"]


def test_each_gallery_entry_runs_its_query_by_a_plain_link(client):
    """Run is a link that works without scripts: /query?example=NAME opens the page with that query."""
    _, page = get_page(client)
    runs = {attrs["data-name"]: attrs["href"] for tag, attrs in page.elements
            if tag == "a" and "run-query" in (attrs.get("class") or "").split()}
    assert runs["cambodia"] == "/query?example=cambodia"
    assert runs["federated/wikidata-by-iso-code"] == "/query?example=federated/wikidata-by-iso-code"
    assert len(runs) == len(EXAMPLES) + len(CHECKS) + len(FEDERATED)
    _, cambodia = get_page(client, runs["cambodia"])
    assert cambodia.textarea == editor_text(QUERIES / "cambodia.rq")
    current = [name for items in cambodia.items.values() for name, _, attrs in items if attrs.get("aria-current") == "true"]
    assert current == ["cambodia"]
    assert cambodia.by_id["workbench"][1]["data-autorun"] == "true"


def test_without_a_query_the_page_shows_the_default_example_and_does_not_run_it(client):
    _, page = get_page(client)
    assert page.textarea == editor_text(QUERIES / f"{workbench.DEFAULT_EXAMPLE}.rq")
    attrs = page.by_id["workbench"][1]
    assert attrs["data-autorun"] == "false"
    assert attrs["data-endpoint"] == "/sparql"
    assert attrs["data-prefixes"] == "/query/prefixes.json"
    assert attrs["data-namespace"] == "https://w3id.org/hrckg/"
    # an unknown example name falls back to the default rather than failing
    _, unknown = get_page(client, "/query?example=no-such-query")
    assert unknown.textarea == page.textarea


def test_the_plain_form_posts_the_query_to_the_endpoint(client):
    """Without scripts the editor is a form: the query goes to /sparql with a results format."""
    _, page = get_page(client)
    tag, form = page.by_id["query-form"]
    assert (tag, form["method"], form["action"]) == ("form", "post", "/sparql")
    assert page.by_id["query-text"][1]["name"] == "query"
    assert page.by_id["query-format"][1]["name"] == "format"


HOSTILE = 'SELECT * WHERE { ?s ?p "</script><script>alert(1)</script><b>bold</b></textarea>&amp;" }'


def test_a_shared_query_is_preloaded_as_text_and_cannot_break_out(client):
    response, page = get_page(client, "/query?" + urlencode({"query": HOSTILE}))
    assert page.textarea == HOSTILE
    html = response.get_data(as_text=True)
    assert "<b>" not in html and "</textarea><" not in html and "<script>alert" not in html
    tags = [tag for tag, _ in page.elements]
    assert "b" not in tags
    assert [attrs.get("src") for tag, attrs in page.elements if tag == "script"] == [
        "/static/vendor/yasgui/yasgui.min.js", "/static/workbench.js"]
    assert page.by_id["workbench"][1]["data-autorun"] == "true"


def test_share_and_download_links_carry_the_query(client):
    _, page = get_page(client, "/query?" + urlencode({"query": HOSTILE}))
    share = urlsplit(page.by_id["share-link"][1]["href"])
    assert share.path == "/query" and parse_qs(share.query) == {"query": [HOSTILE]}
    for name, fmt in (("download-csv", "csv"), ("download-json", "json"), ("download-turtle", "turtle")):
        link = urlsplit(page.by_id[name][1]["href"])
        assert link.path == "/sparql"
        assert parse_qs(link.query) == {"query": [HOSTILE], "format": [fmt]}


def test_the_csv_download_link_gives_the_rows_of_the_query(client):
    """Follow the page's CSV link for the sponsors example: the 31 sponsors, as the expected file has them."""
    _, page = get_page(client, "/query?example=draft-sponsors")
    response = client.get(page.by_id["download-csv"][1]["href"])
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))
    with (QUERIES / "draft-sponsors.expected.csv").open(encoding="utf-8", newline="") as handle:
        assert rows == list(csv.reader(handle))
    assert len(rows) == 1 + 31


def test_federated_queries_say_that_service_is_disabled_here(client, site_app, monkeypatch):
    note = "SERVICE calls are disabled on this server"
    _, page = get_page(client)
    item = next(attrs for name, _, attrs in page.items["gallery-federated"] if name == "federated/wikidata-by-iso-code")
    assert item["id"] == "query-federated-wikidata-by-iso-code"
    assert client.get("/query").get_data(as_text=True).count(note) == len(FEDERATED)
    monkeypatch.setitem(site_app.config, "SERVICE_ALLOWLIST", ("https://query.wikidata.org/",))
    assert note not in client.get("/query").get_data(as_text=True)


def test_the_page_speaks_chinese_when_asked(client):
    html = client.get("/query?lang=zh").get_data(as_text=True)
    assert "查询工作台" in html and "示例查询" in html and "质量检查" in html and "复制此查询的链接" in html


# --- the JSON and files the page reads -----------------------------------------------------------

def test_gallery_json_lists_the_example_and_federated_queries_from_the_files(client):
    response = client.get("/query/gallery.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    items = response.get_json()
    expected = [(p.stem, p, False) for p in EXAMPLES] + [(f"federated/{p.stem}", p, True) for p in FEDERATED]
    assert [item["name"] for item in items] == [name for name, _, _ in expected]
    for item, (name, path, federated) in zip(items, expected):
        assert set(item) == {"name", "title", "description", "query", "federated"}
        assert item["title"] == title_of(path) and item["title"].strip()
        assert item["description"].strip(), name
        assert item["query"] == editor_text(path)
        assert item["federated"] is federated
    assert not any(item["name"].endswith("-violation") for item in items)


def test_a_description_may_go_on_over_indented_comment_lines():
    wikidata = next(item for item in workbench.gallery() if item.name == "federated/wikidata-by-iso-code")
    assert wikidata.description.startswith("Links our States to Wikidata without storing any QID: Wikidata property P298")
    assert wikidata.description.endswith("so it is checked for syntax in CI but not run.")
    assert workbench.header_fields("# title: A\n#   more\n# description: B\nSELECT") == {"title": "A more", "description": "B"}


@pytest.mark.parametrize("name, path", [
    ("cambodia", QUERIES / "cambodia.rq"),
    ("missing-label-violation", QUERIES / "missing-label-violation.rq"),
    ("federated/wikidata-by-iso-code", QUERIES / "federated" / "wikidata-by-iso-code.rq"),
])
def test_each_query_is_served_as_a_sparql_file(client, name, path):
    response = client.get(f"/query/gallery/{name}.rq")
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-query"
    assert response.get_data(as_text=True) == editor_text(path)


@pytest.mark.parametrize("path", ["/query/gallery/no-such-query.rq", "/query/gallery/../README.rq",
                                  "/query/gallery/federated/../cambodia.rq", "/query/gallery/cambodia.expected.rq"])
def test_only_gallery_queries_are_served(client, path):
    assert client.get(path).status_code == 404


def test_prefixes_json_is_our_prefix_list(client):
    response = client.get("/query/prefixes.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    prefixes = response.get_json()
    assert prefixes["hrc"] == "https://w3id.org/hrckg/ontology#"
    assert prefixes["id"] == "https://w3id.org/hrckg/id/"
    assert prefixes == PREFIXES


# --- vendored YASGUI ----------------------------------------------------------------------------

@pytest.mark.parametrize("path, mimetype", [
    ("/static/vendor/yasgui/yasgui.min.js", "text/javascript"),
    ("/static/vendor/yasgui/yasgui.min.css", "text/css"),
    ("/static/workbench.js", "text/javascript"),
    ("/static/workbench.css", "text/css"),
])
def test_assets_are_served_with_their_content_types(client, path, mimetype):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_the_vendored_bundle_is_the_pinned_package_version():
    package = json.loads((ROOT / "frontend" / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "frontend" / "package-lock.json").read_text(encoding="utf-8"))
    pinned = package["dependencies"]["@zazuko/yasgui"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "pin an exact version"
    assert lock["packages"]["node_modules/@zazuko/yasgui"]["version"] == pinned
    version = (VENDOR / "VERSION").read_text(encoding="utf-8").splitlines()
    assert version[0] == f"@zazuko/yasgui {pinned} (npm registry)"
    hashes = dict(reversed(line.split()) for line in version[2:])
    for name in ("yasgui.min.js", "yasgui.min.css"):
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == hashes[name]
    assert "MIT License" in (VENDOR / "LICENSE").read_text(encoding="utf-8")
    notices = (VENDOR / "THIRD-PARTY-LICENSES").read_text(encoding="utf-8")
    for bundled in ("codemirror", "datatables.net", "jquery", "dompurify", "column-resizer"):
        assert f"\n{bundled} " in notices
    assert (ROOT / "frontend" / ".gitignore").read_text(encoding="utf-8").split() == ["node_modules/"]


# --- nothing from elsewhere, and the Content Security Policy -----------------------------------

@pytest.mark.parametrize("name", ["templates/workbench.html", "static/workbench.js", "static/workbench.css"])
def test_our_workbench_files_name_no_other_origin(name):
    text = (ROOT / "server" / name).read_text(encoding="utf-8")
    assert not OTHER_ORIGIN.findall(text)


def test_the_served_page_loads_and_links_nothing_from_another_origin(client):
    """Every URL the page can load or send to is on this server (IRIs in the query text are data)."""
    _, page = get_page(client, "/query?example=federated/wikidata-by-iso-code")
    loading = {"src", "href", "action", "formaction", "srcset", "poster", "data"}
    urls = [(tag, key, value) for tag, attrs in page.elements for key, value in attrs.items()
            if key in loading and value]
    assert urls, "the page has no URLs at all?"
    assert [url for url in urls if OTHER_ORIGIN.match(url[2]) or url[2].startswith("//")] == []
    data_urls = [(tag, key) for tag, attrs in page.elements for key, value in attrs.items()
                 if key.startswith("data-") and value and OTHER_ORIGIN.match(value)]
    assert data_urls == [("div", "data-namespace")]  # our IRIs' namespace, which the script maps to local paths


def _policy(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_the_workbench_policy_keeps_scripts_ours_and_allows_only_known_inline_styles(client):
    policy, usual = _policy(client.get("/query")), _policy(client.get("/query/gallery.json"))
    assert policy["script-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert {key: value for key, value in policy.items() if key != "style-src"} == {
        key: value for key, value in usual.items() if key != "style-src"}
    assert "'unsafe-inline'" not in policy["style-src"]
    texts = workbench.INLINE_STYLESHEETS + workbench.INLINE_STYLE_ATTRIBUTES
    hashes = ["'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'" for t in texts]
    assert policy["style-src"] == ["'self'", "'unsafe-hashes'", *hashes]
    assert usual["style-src"] == ["'self'"]  # the JSON routes keep the app's own policy


def test_the_inline_styles_allowed_by_hash_are_those_the_bundle_writes():
    """If re-vendoring changes these texts, the policy would block them: update workbench.py."""
    bundle = (VENDOR / "yasgui.min.js").read_text(encoding="utf-8")
    assert workbench.COLUMN_RESIZER_CSS in bundle
    assert "`*{cursor:`+" in bundle and "dragCursor:`col-resize`" in bundle
    assert workbench.COLUMN_DRAG_CSS == "*{cursor:col-resize!important}"
    assert "<strong style='text-decoration:underline'>" in bundle
    assert bundle.count("createElement(`style`)") == 1  # the column resizer's: no other stylesheet is written


def test_the_editor_leaves_out_the_maintainers_checked_note_but_keeps_the_query():
    text = (QUERIES / "cambodia.rq").read_text(encoding="utf-8")
    shown = workbench.without_checked_note(text)
    assert "# checked:" in text and "# checked:" not in shown
    assert shown.startswith("# title: Everything about Cambodia")
    assert "# description:" in shown and 'VALUES ?iso3 { "KHM" }' in shown
