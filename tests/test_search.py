"""Search by name and text (server/search.py): ranking, passages, filters, paging, JSON, escaping."""

import re
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest

from hrckg import search as search_module

from external import site_app_on_both_stores as site_app  # noqa: F401 - every test runs on both stores

KHM = "https://w3id.org/hrckg/id/country/KHM"
REPORT = "https://w3id.org/hrckg/id/doc/A-HRC-35-20"
HRC = "https://w3id.org/hrckg/ontology#"


class Results(HTMLParser):
    """The result list of a search page: per result its link, label, class badges and passage parts."""

    def __init__(self, html: str):
        super().__init__()
        self.results: list[dict] = []
        self.by_id: dict[str, str] = {}
        self._where, self._current_id = None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") in ("result-count", "no-results", "no-query", "class-filter"):
            self._current_id = attrs["id"]
            self.by_id[self._current_id] = ""
        if tag == "ol" and attrs.get("id") == "results":
            self._where = "list"
        elif self._where is None:
            return
        elif tag == "li":
            self.results.append({"href": None, "label": "", "classes": [], "passage": {"before": "", "match": "", "after": ""}})
        elif tag == "p" and attrs.get("class") in ("result-title", "passage"):
            self._where = attrs["class"]
        elif tag == "a" and self._where == "result-title":
            if "badge" in (attrs.get("class") or ""):
                self.results[-1]["classes"].append("")
                self._where = "badge"
            elif self.results[-1]["href"] is None:
                self.results[-1]["href"] = attrs["href"]
                self._where = "label"
        elif tag == "span" and self._where == "passage" and attrs.get("class") == "passage-text":
            self._where = "passage-text"
        elif tag == "mark" and self._where == "passage-text":
            self._where = "match"

    def handle_endtag(self, tag):
        if tag == "ol" and self._where == "list":
            self._where = None
        elif tag == "a" and self._where in ("label", "badge"):
            self._where = "result-title"
        elif tag == "span" and self._where == "passage-text":
            self._where = "passage"
        elif tag == "mark" and self._where == "match":
            self._where = "passage-text"
        elif tag == "p" and self._where in ("result-title", "passage"):
            self._where = "list"
        if tag == "p" and self._current_id:
            self._current_id = None

    def handle_data(self, data):
        if self._current_id:
            self.by_id[self._current_id] += data
        if not self.results or self._where in (None, "list", "passage"):
            return
        result = self.results[-1]
        if self._where == "label":
            result["label"] += data
        elif self._where == "badge":
            result["classes"][-1] += data
        elif self._where == "match":
            result["passage"]["match"] += data
        elif self._where == "passage-text":
            part = "after" if result["passage"]["match"] else "before"
            result["passage"][part] += data


def search_html(client, url: str) -> Results:
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return Results(response.get_data(as_text=True))


def search_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    return response.get_json()


def test_chinese_name_finds_cambodia_first_then_its_paragraphs(client):
    page = search_html(client, "/search?q=柬埔寨&lang=en")
    assert page.results[0]["href"] == "/id/country/KHM"
    assert page.results[0]["label"] == "Cambodia"
    assert page.results[0]["classes"] == ["State"]
    assert page.results[0]["passage"] == {"before": "", "match": "柬埔寨", "after": ""}
    # 18 resources: Cambodia, 13 more named with 柬埔寨 (activities, offices, a law, a section...) and paragraphs 12-15
    assert " ".join(page.by_id["result-count"].split()) == "18 results for 柬埔寨"
    paragraphs = {r["href"]: r for r in page.results if re.fullmatch(r"/id/doc/A-HRC-35-20/para/\d+", r["href"])}
    assert sorted(paragraphs) == [f"/id/doc/A-HRC-35-20/para/{n}" for n in (12, 13, 14, 15)]
    for result in paragraphs.values():
        assert result["passage"]["match"] == "柬埔寨"
        assert result["classes"] == ["report paragraph"]
    assert paragraphs["/id/doc/A-HRC-35-20/para/12"]["passage"]["before"] == "1993 年人权高专办在"
    assert paragraphs["/id/doc/A-HRC-35-20/para/12"]["passage"]["after"].startswith("设立第一个办事处。")


def test_paragraph_html_passage_is_marked(client):
    html = client.get("/search?q=柬埔寨").get_data(as_text=True)
    assert "1993 年人权高专办在<mark>柬埔寨</mark>设立第一个办事处。" in html


@pytest.mark.parametrize("text", ["cambodia", "CAMBODIA", "Cambodia", " cambodia "])
def test_english_name_any_case_finds_cambodia_first(client, text):
    found = search_json(client, f"/search?q={text}&lang=en")
    first = found["results"][0]
    assert (first["iri"], first["label"], first["passage"]["match"]) == (KHM, "Cambodia", "Cambodia")
    assert found["query"] == text.strip()


def test_chinese_labels_with_lang_zh(client):
    found = search_json(client, "/search?q=cambodia&lang=zh")
    assert found["results"][0]["label"] == "柬埔寨"
    page = search_html(client, "/search?q=cambodia")  # the cookie remembers zh
    assert page.results[0]["label"] == "柬埔寨"
    assert page.results[0]["classes"] == ["国家"]


def test_ranking(client):
    """Exact name, then name starting with the text, then name containing it, then text by occurrences."""
    found = search_json(client, "/search?q=柬埔寨&lang=en")
    results = found["results"]
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert results[0]["score"] > results[1]["score"]  # only Cambodia matches exactly
    starting = [r["iri"] for r in results if r["passage"]["before"] == "" and r["iri"] != KHM]
    assert "https://w3id.org/hrckg/id/activity/cambodia-prison-reform" in starting  # 柬埔寨监狱改革
    kinds = ["text" if r["property"] == HRC + "text" else "name" for r in results]
    assert kinds == ["name"] * 14 + ["text"] * 4
    # paragraph 13 says 柬埔寨 three times, 12 and 15 twice (labels of equal length: IRI order), 14 once
    assert [r["iri"].rsplit("/", 1)[1] for r in results[14:]] == ["13", "12", "15", "14"]


def test_ranking_ties_go_to_the_shorter_label(client):
    results = search_json(client, "/search?q=cambodia&lang=en")["results"]
    same_score = [r for r in results if r["score"] == results[1]["score"]]
    lengths = [len(r["label"]) for r in same_score]
    assert len(same_score) > 2 and lengths == sorted(lengths)


def test_json_shape(client):
    found = search_json(client, "/search?q=柬埔寨&format=json&lang=en")
    assert set(found) >= {"query", "total", "results"}
    assert found["query"] == "柬埔寨" and found["total"] == 18 and len(found["results"]) == 18
    first = found["results"][0]
    assert set(first) == {"iri", "label", "types", "property", "passage", "score"}
    assert first["types"] == [HRC + "State"]
    assert first["property"] in ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")
    assert set(first["passage"]) == {"before", "match", "after"}


def test_format_parameter_wins_over_accept(client):
    response = client.get("/search?q=cambodia&format=json", headers={"Accept": "text/html"})
    assert response.mimetype == "application/json"
    assert response.get_json()["results"][0]["iri"] == KHM


def test_passage_window_and_ellipsis(client):
    found = search_json(client, "/search?q=柬埔寨&class=hrc:ReportParagraph&lang=en")
    para14 = next(r for r in found["results"] if r["iri"] == REPORT + "/para/14")
    before = para14["passage"]["before"]
    assert before.startswith("…") and len(before) == 1 + search_module.WINDOW
    assert para14["passage"]["after"] == "司法系统的基础设施，包括建造磅士卑法院。"  # the paragraph's end: no ellipsis
    para13 = next(r for r in found["results"] if r["iri"] == REPORT + "/para/13")
    assert para13["passage"]["after"].endswith("…") and len(para13["passage"]["after"]) == search_module.WINDOW + 1


def test_class_filter(client):
    found = search_json(client, "/search?q=柬埔寨&class=hrc:ReportParagraph")
    assert found["total"] == 4
    assert sorted(r["iri"] for r in found["results"]) == [f"{REPORT}/para/{n}" for n in (12, 13, 14, 15)]
    page = search_html(client, "/search?q=柬埔寨&class=hrc:State&lang=en")
    assert [r["href"] for r in page.results] == ["/id/country/KHM"]
    assert " ".join(page.by_id["result-count"].split()) == "1 result for 柬埔寨"
    assert "State" in page.by_id["class-filter"]


def test_paging(client):
    first = search_json(client, "/search?q=人权&lang=en")
    total = first["total"]
    assert total > 40 and len(first["results"]) == 20
    pages = -(-total // 20)
    last = search_json(client, f"/search?q=人权&page={pages}")
    assert len(last["results"]) == total - 20 * (pages - 1)
    assert not {r["iri"] for r in first["results"]} & {r["iri"] for r in last["results"]}
    html = client.get("/search?q=人权&page=2&lang=en").get_data(as_text=True)
    assert f'<span class="page-of">Page 2 of {pages}</span>' in html
    assert 'rel="prev" href="/search?q=%E4%BA%BA%E6%9D%83&amp;page=1"' in html
    assert '<ol class="search-results" id="results" start="21">' in html
    search_json(client, f"/search?q=人权&page={pages + 1}", status=400)


def test_empty_query_and_no_results(client):
    page = search_html(client, "/search?lang=en")
    assert "Type a name or a few words" in page.by_id["no-query"] and not page.results
    page = search_html(client, "/search?q=%20%20&lang=en")
    assert "no-query" in page.by_id
    page = search_html(client, "/search?q=zzqxj&lang=en")
    assert "No results for" in page.by_id["no-results"] and not page.results
    assert search_json(client, "/search?q=zzqxj") == {"query": "zzqxj", "total": 0, "page": 1, "pages": 1, "results": []}


@pytest.mark.parametrize("url, words", [
    ("/search?q=" + "x" * 201, "limit is 200"),
    ("/search?q=cambodia&page=0", "page 0 does not exist"),
    ("/search?q=cambodia&page=abc", "whole number"),
    ("/search?q=cambodia&class=nope:State", "known prefix"),
    ("/search?q=cambodia&format=yaml", "unknown format"),
])
def test_bad_requests(client, url, words):
    response = client.get(url, headers={"Accept": "text/plain"})
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)


def test_longest_query_allowed(client):
    assert search_json(client, "/search?q=" + "x" * 200)["total"] == 0


def test_query_is_escaped(client):
    response = client.get("/search?q=<script>alert(1)</script>", headers={"Accept": "text/html"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)" not in html
    assert "<q>&lt;script&gt;alert(1)&lt;/script&gt;</q>" in html


@pytest.fixture(scope="module")
def markup_app():
    """An app over a tiny store whose literals hold markup."""
    from hrckg.app import create_app

    store = ox.Store()
    thing = ox.NamedNode("https://w3id.org/hrckg/id/test/markup")
    store.add(ox.Quad(thing, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(HRC + "State")))
    store.add(ox.Quad(thing, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal("<b>Bold</b> & <script>alert(2)</script>", language="en")))
    store.add(ox.Quad(thing, ox.NamedNode(HRC + "text"), ox.Literal("Before <i>the</i> needle & after", language="en")))
    app = create_app({"QUERY_PROCESSES": 1}, store=store)
    yield app
    app.extensions["hrckg.pool"].close()


def test_markup_in_literals_is_shown_as_text(markup_app):
    client = markup_app.test_client()
    html = client.get("/search?q=needle&lang=en").get_data(as_text=True)
    assert "Before &lt;i&gt;the&lt;/i&gt; <mark>needle</mark> &amp; after" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "<script>alert(2)" not in html and "<i>the</i>" not in html
    page = Results(html)
    assert page.results[0]["label"] == "<b>Bold</b> & <script>alert(2)</script>"
    assert page.results[0]["passage"] == {"before": "Before <i>the</i> ", "match": "needle", "after": " & after"}
    html = client.get("/browse/hrc:State").get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;" in html and "<b>Bold" not in html


def test_invalidate_reads_new_data(markup_app):
    client = markup_app.test_client()
    assert client.get("/search?q=fresh&format=json").get_json()["total"] == 0
    store = markup_app.extensions["hrckg.store"].get()
    late = ox.Quad(ox.NamedNode("https://w3id.org/hrckg/id/test/late"),
                   ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Fresh", language="en"))
    store.add(late)
    try:
        assert client.get("/search?q=fresh&format=json").get_json()["total"] == 0  # the index is kept
        search_module.invalidate(markup_app)
        found = client.get("/search?q=fresh&format=json").get_json()
        assert [r["iri"] for r in found["results"]] == ["https://w3id.org/hrckg/id/test/late"]
    finally:
        store.remove(late)
        search_module.invalidate(markup_app)


def test_outside_our_namespace_is_not_searched(markup_app):
    client = markup_app.test_client()
    store = markup_app.extensions["hrckg.store"].get()
    foreign = ox.Quad(ox.NamedNode("http://example.org/other"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal("needle elsewhere", language="en"))
    store.add(foreign)
    search_module.invalidate(markup_app)
    try:
        found = client.get("/search?q=needle&format=json").get_json()
        assert [r["iri"] for r in found["results"]] == ["https://w3id.org/hrckg/id/test/markup"]
    finally:
        store.remove(foreign)
        search_module.invalidate(markup_app)
