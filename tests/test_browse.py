"""The home page and the class index pages (server/browse.py), over the curated graph."""

from html.parser import HTMLParser

import pytest

from external import site_app_on_both_stores as site_app  # noqa: F401 - every test runs on both stores

STATE_COUNT = 57  # data/generated: the States the two sources name


class Page(HTMLParser):
    """What the tests look at: every link, the rows of table#instances or table#classes (cell texts
    and the row's first link), and the text inside each element that has an id."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.rows: list[list[str]] = []
        self.row_links: list[str | None] = []
        self.by_id: dict[str, str] = {}
        self._href, self._text, self._open_ids = None, [], []
        self._in_table, self._cells, self._row_link = False, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self._href, self._text = attrs.get("href"), []
            if self._cells and self._row_link is None:
                self._row_link = attrs.get("href")
        elif tag == "table" and attrs.get("id") in ("instances", "classes"):
            self._in_table = True
        elif tag == "tr" and self._in_table:
            self._cells, self._row_link = [], None
        elif tag == "td" and self._cells is not None:
            self._cells.append("")
        if "id" in attrs:
            self._open_ids.append([attrs["id"], tag, ""])

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None
        elif tag == "tr" and self._cells is not None:
            if self._cells:
                self.rows.append([cell.strip() for cell in self._cells])
                self.row_links.append(self._row_link)
            self._cells = None
        elif tag == "table":
            self._in_table = False
        if self._open_ids and self._open_ids[-1][1] == tag:
            element_id, _, text = self._open_ids.pop()
            self.by_id[element_id] = " ".join(text.split())

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)
        if self._cells:
            self._cells[-1] += data
        for open_id in self._open_ids:
            open_id[2] += data


def get_page(client, url: str, status: int = 200) -> Page:
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return Page(response.get_data(as_text=True))


def test_home_page_counts_and_entry_points(client, site_app):
    page = get_page(client, "/?lang=en")
    with site_app.app_context():
        from hrckg.description import current_statistics

        triples = current_statistics()["triples"]
    assert page.by_id["triple-count"] == f"Triples: {triples:,}"
    hrefs = dict(page.links)
    for href in ("/id/doc/A-HRC-35-20", "/id/doc/HRC-51-draft-technical-cooperation", "/browse/hrc:State",
                 "/ontology", "/downloads", "/sparql", "/query", "/browse"):
        assert href in hrefs, href
    assert hrefs["/browse/hrc:State"] in ("States", "State")
    assert any(href.startswith("/query?example=") for href in hrefs)
    class_counts = page.by_id["class-counts"]
    assert "State 57 hrc:State" in class_counts
    # most instances first: citations (99) before report paragraphs (82) before States (57)
    assert class_counts.index("hrc:Citation") < class_counts.index("hrc:ReportParagraph") < class_counts.index("hrc:State")


def test_home_page_in_chinese(client):
    page = get_page(client, "/?lang=zh")
    assert dict(page.links)["/browse/hrc:State"] == "国家"
    assert "国家 57 hrc:State" in page.by_id["class-counts"]
    assert page.by_id["triple-count"].startswith("三元组数：")


def test_all_classes_table(client):
    page = get_page(client, "/browse?lang=en")
    counts = {row[1]: int(row[2]) for row in page.rows}
    assert counts["hrc:State"] == STATE_COUNT
    assert counts["hrc:Sponsorship"] == 31
    assert counts["skos:Concept"] > 0  # vocabulary classes are listed too
    assert [int(row[2]) for row in page.rows] == sorted((int(row[2]) for row in page.rows), reverse=True)
    assert "/browse/hrc:State" in page.row_links


def test_class_index_first_page(client):
    page = get_page(client, "/browse/hrc:State?lang=en")
    assert page.by_id["instance-count"] == f"Instances: {STATE_COUNT}"
    assert len(page.rows) == 50
    assert page.rows[0] == ["1", "Albania", "id:country/ALB"]
    assert page.row_links[0] == "/id/country/ALB"
    assert ("/ontology#State", "Ontology documentation") in page.links
    html = client.get("/browse/hrc:State?lang=en").get_data(as_text=True)
    assert html.count('<span class="page-of">Page 1 of 2</span>') == 2
    assert 'rel="next" href="/browse/hrc:State?page=2&amp;sort=label&amp;order=asc"' in html
    assert 'rel="prev"' not in html
    assert "A sovereign State with an ISO 3166-1 code" in html  # skos:definition


def test_class_index_last_page(client):
    page = get_page(client, "/browse/hrc:State?page=2&lang=en")
    assert len(page.rows) == STATE_COUNT - 50 == 7
    assert page.rows[0][:2] == ["51", "Togo"]
    assert page.rows[-1] == ["57", "Yemen", "id:country/YEM"]
    html = client.get("/browse/hrc:State?page=2").get_data(as_text=True)
    assert 'rel="prev" href="/browse/hrc:State?page=1&amp;sort=label&amp;order=asc"' in html
    assert 'rel="next"' not in html


@pytest.mark.parametrize("lang, order, first, last", [
    ("en", "asc", "Albania", "Yemen"),
    ("en", "desc", "Yemen", "Albania"),
    # Chinese labels sort by code point: 乌 (U+4E4C) first, 黑 (U+9ED1) last
    ("zh", "asc", "乌克兰", "黑山"),
    ("zh", "desc", "黑山", "乌克兰"),
])
def test_class_index_sorted_by_label(client, lang, order, first, last):
    first_page = get_page(client, f"/browse/hrc:State?sort=label&order={order}&lang={lang}")
    last_page = get_page(client, f"/browse/hrc:State?sort=label&order={order}&page=2&lang={lang}")
    labels = [row[1] for row in first_page.rows + last_page.rows]
    assert len(labels) == len(set(labels)) == STATE_COUNT
    assert labels[0] == first and labels[-1] == last
    key = [label.lower() for label in labels]
    assert key == sorted(key, reverse=order == "desc")


def test_class_index_sorted_by_iri(client):
    page = get_page(client, "/browse/hrc:State?sort=iri&order=desc&lang=en")
    assert page.rows[0][2] == "id:country/YEM"
    iris = [row[2] for row in page.rows]
    assert iris == sorted(iris, reverse=True)
    page = get_page(client, "/browse/hrc:State?sort=iri&page=2&lang=en")
    assert page.rows[-1][2] == "id:country/YEM"


def test_class_index_in_chinese(client):
    page = get_page(client, "/browse/hrc:State?lang=zh")
    html = client.get("/browse/hrc:State").get_data(as_text=True)  # the cookie now says zh
    assert "<h1>国家</h1>" in html
    assert '<span class="page-of">第 1 页，共 2 页</span>' in html
    assert page.by_id["instance-count"] == "实例数： 57"
    assert ["1", "乌克兰", "id:country/UKR"] == page.rows[0]


@pytest.mark.parametrize("url", ["/browse/hrc:NoSuchClass", "/browse/nope:State", "/browse/State",
                                 "/browse/hrc:text"])
def test_class_index_not_found(client, url):
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("query, words", [
    ("page=3", "page 3 does not exist"),
    ("page=0", "page 0 does not exist"),
    ("page=two", "whole number"),
    ("page=-1", "whole number"),
    ("page=1.5", "whole number"),
    ("sort=date", "sort must be one of label, iri"),
    ("order=up", "order must be one of asc, desc"),
])
def test_class_index_bad_arguments(client, query, words):
    response = client.get(f"/browse/hrc:State?{query}", headers={"Accept": "text/plain"})
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)


def test_vocabulary_class_index(client):
    """A class outside our ontology: no documentation link, instances still listed."""
    page = get_page(client, "/browse/skos:ConceptScheme?lang=en")
    assert page.by_id["instance-count"] == "Instances: 7"
    assert len(page.rows) == 7
    assert all(href.startswith("/vocab/") for href in page.row_links)
    assert not any(href.startswith("/ontology#") for href, _ in page.links)
