"""Contributions over HTTP (hrckg.contribute): POST /contributions/validate answers with the report
whether or not it conforms, POST /contributions ingests with a token into an on-disk store, and
the /contribute page validates pasted or uploaded files.

All contributions here are fictional test data (report A/HRC/99/1, labels ending in "(test)")."""

import io
import re

import html5lib
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from test_contributions import ACTIVITY_TTL, CONTEXT, snapshot
from test_contributions import MALFORMED as MALFORMED_BYTES
from test_validate_cli import VALID

from hrckg import contributions
from hrckg.app import create_app
from hrckg.store import curated_store

try:
    from test_html import strict_parse
except ImportError:  # pragma: no cover - the same parser, if that module moves
    def strict_parse(body: str):
        return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(body)

ID = "https://w3id.org/hrckg/id/"
HRC = "https://w3id.org/hrckg/ontology#"
HRCSH = "https://w3id.org/hrckg/shapes#"
JSON = {"Accept": "application/json"}
TURTLE = {"Content-Type": "text/turtle"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TOKEN = "s3cret"
DANGLING = CONTEXT + ACTIVITY_TTL.format(code="KHN")  # 4 violations: KHN is no State of the graph
MALFORMED = MALFORMED_BYTES.decode()  # line 3 lacks its dot: the error is at line 4, column 1
SCRIPT = "</textarea><script>alert(1)</script>"


def report(n: int) -> str:
    """CONTEXT for the fictional report A/HRC/99/n, so that each ingest into the shared disk store is new."""
    return CONTEXT.replace("99/1", f"99/{n}").replace("99-1", f"99-{n}")


def dangling(n: int) -> str:
    """report(n) and an activity of its own that links to the unknown State KHN."""
    activity = ACTIVITY_TTL.format(code="KHN").replace("activity/test-training", f"activity/test-training-{n}")
    return report(n) + activity.replace("99-1", f"99-{n}")


def close(app) -> None:
    app.extensions["hrckg.pool"].close()


@pytest.fixture(scope="module")
def disk_app(tmp_path_factory):
    """An app over an on-disk store, with ingest over HTTP enabled."""
    app = create_app({"STORE_PATH": str(tmp_path_factory.mktemp("contribute") / "store"), "CONTRIBUTION_TOKEN": TOKEN,
                      "QUERY_PROCESSES": 1})
    yield app
    close(app)


def store_of(app):
    return app.extensions["hrckg.store"].get()


def generation(app) -> str:
    return app.extensions["hrckg.store"].disk.generation()


def validate(client, body: str | bytes, headers=None):
    return client.post("/contributions/validate", data=body.encode() if isinstance(body, str) else body,
                       headers={**TURTLE, **JSON, **(headers or {})})


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["status"] == status
    return error


def assert_clean_html(body: str):
    """Valid HTML (no parse error at all), no inline script or style; returns the document."""
    document = strict_parse(body)
    assert not document.findall(".//style")
    assert not [e.tag for e in document.iter() if "style" in e.attrib]
    for script in document.iter("script"):
        assert script.get("src", "").startswith("/static/") and not (script.text or "").strip()
    return document


# ---------------------------------------------------------------------------------------------
# POST /contributions/validate


def test_validate_conforming_contribution_is_a_200_json_report_with_its_diff(client, site_app):
    response = validate(client, VALID, {"Content-Disposition": 'attachment; filename="valid.ttl"'})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Vary"] == "Accept"
    body = response.get_json()
    assert (body["conforms"], body["counts"], body["results"]) == (True, {"Violation": 0, "Warning": 0, "Info": 0}, [])
    assert body["resourcesValidated"] == 6
    diff = body["diff"]
    assert diff["contribution"]["name"] == "valid.ttl"
    assert (diff["contribution"]["triples"], diff["added"], diff["alreadyPresent"]) == (43, 43, 0)
    assert [item["resource"] for item in diff["new"]] == sorted(
        ID + path for path in ("doc/A-HRC-99-1", "doc/A-HRC-99-1/para/1", "org/test-office", "country/BTN",
                               "activity/test-training", "activity/test-training/result/1"))
    assert diff["touched"] == [] and diff["linked"] == []


def test_validate_non_conforming_contribution_is_a_200_json_report(client):
    response = validate(client, DANGLING)
    assert response.status_code == 200
    body = response.get_json()
    assert body["conforms"] is False and body["counts"]["Violation"] == 4
    dangling = [r for r in body["results"] if r["sourceShape"].endswith("#NoDanglingLinkShape")]
    khn = {"type": "uri", "value": ID + "country/KHN"}
    assert [(r["focusNode"], r["path"], r["value"]) for r in dangling] == [
        (ID + "activity/test-training", HRC + "beneficiary", khn),
        (ID + "activity/test-training", HRC + "country", khn)]
    assert all("KHM (Cambodia)" in r["hint"]["en"] and r["hint"]["zh"] for r in dangling)
    assert body["diff"]["linked"] == [{"resource": ID + "country/KHM", "links": 1},
                                      {"resource": ID + "org/ohchr", "links": 1}]


@pytest.mark.parametrize("body, conforms, shapes", [
    pytest.param(VALID, True, [], id="conforming"),
    pytest.param(DANGLING, False,
                 ["Activity-beneficiary", "NoDanglingLinkShape", "NoDanglingLinkShape", "Range-country"],
                 id="non-conforming"),
])
def test_validate_turtle_report_is_a_sh_validation_report(client, body, conforms, shapes):
    response = validate(client, body, {"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    report = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    top = report.value(predicate=RDF.type, object=SH.ValidationReport)
    assert report.value(top, SH.conforms) == Literal(conforms)
    results = list(report.objects(top, SH.result))
    assert sorted(str(report.value(r, SH.sourceShape)).removeprefix(HRCSH) for r in results) == shapes
    assert {report.value(r, SH.focusNode) for r in results} <= {URIRef(ID + "activity/test-training")}


def test_validate_html_report_by_accept(client):
    response = validate(client, DANGLING, {"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    document = assert_clean_html(response.get_data(as_text=True))
    rows = document.findall(".//table[@class='results']/tbody/tr")
    assert len(rows) == 4 and {row.get("class") for row in rows} == {"violation"}


def test_validate_answers_406_for_an_accept_it_cannot_meet(client):
    response = validate(client, VALID, {"Accept": "application/sparql-results+xml"})
    assert response.status_code == 406
    assert "application/json" in response.get_data(as_text=True)


def test_validate_malformed_input_is_400_with_line_and_column(client, site_app):
    before = snapshot(store_of(site_app))
    error = error_of(validate(client, MALFORMED), 400)
    assert error == {"status": 400, "code": "could_not_validate", "line": 4, "column": 1,
                     "message": "bad syntax: A dot is expected at the end of statements"}
    assert snapshot(store_of(site_app)) == before


@pytest.mark.parametrize("content_type, message", [
    pytest.param("text/plain", "unsupported media type 'text/plain'; send one of text/turtle, "
                 "application/x-turtle, application/trig, application/n-triples, application/ld+json", id="text-plain"),
    pytest.param("application/rdf+xml", "unsupported media type 'application/rdf+xml'; send one of text/turtle, "
                 "application/x-turtle, application/trig, application/n-triples, application/ld+json", id="rdf-xml"),
    pytest.param("text/turtle; charset=ISO-8859-1", "charset 'ISO-8859-1' is not supported: send UTF-8",
                 id="charset-latin-1"),
])
def test_validate_unsupported_content_type_is_415(client, site_app, content_type, message):
    before = snapshot(store_of(site_app))
    error = error_of(validate(client, VALID, {"Content-Type": content_type}), 415)
    assert error["message"] == message
    assert snapshot(store_of(site_app)) == before


@pytest.mark.parametrize("fmt, content_type", [
    (ox.RdfFormat.N_TRIPLES, "application/n-triples"), (ox.RdfFormat.TRIG, "application/trig"),
    (ox.RdfFormat.JSON_LD, "application/ld+json"),
])
def test_validate_reads_the_format_from_the_content_type(client, fmt, content_type):
    body = ox.serialize(contributions.parse(VALID.encode(), "valid.ttl").triples, format=fmt)
    response = client.post("/contributions/validate", data=body, headers={"Content-Type": content_type})  # no Accept
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json()["conforms"] is True
    assert response.get_json()["diff"]["contribution"]["triples"] == 43


def test_validate_latin_1_body_is_400_with_the_place_of_the_bad_byte(client):
    body = b'@prefix hrc: <https://w3id.org/hrckg/ontology#> .\n<doc/x> hrc:symbol "Caf\xe9 (test)" .\n'
    error = error_of(validate(client, body), 400)
    assert (error["line"], error["column"]) == (2, 24)
    assert error["message"].startswith("not UTF-8: byte 0xE9")


def test_validate_empty_body_is_400(client):
    error = error_of(validate(client, b""), 400)
    assert error["message"] == "request body is empty: a contribution needs at least one triple"


def test_validate_over_the_contribution_limit_is_413_and_changes_nothing(client, site_app, monkeypatch):
    monkeypatch.setitem(site_app.config, "MAX_CONTRIBUTION_BYTES", 200)
    before = snapshot(store_of(site_app))
    error = error_of(validate(client, VALID), 413)
    assert error["message"] == "the request body is larger than the limit of 200 bytes"
    assert snapshot(store_of(site_app)) == before


def test_validate_accepts_a_contribution_larger_than_a_sparql_request(client, site_app):
    """The app-wide 1 MiB body limit is for SPARQL; a contribution may be larger (8 MiB)."""
    assert site_app.config["MAX_CONTENT_LENGTH"] == 1 << 20
    body = "# padding (test)\n" * (90 << 10) + CONTEXT  # about 1.5 MiB
    response = validate(client, body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["conforms"] is True


# ---------------------------------------------------------------------------------------------
# POST /contributions (ingest)


def ingest(client, body: str, token: str | None = TOKEN, name: str = "contribution.ttl"):
    headers = {**TURTLE, **JSON, "Content-Disposition": f'attachment; filename="{name}"'}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/contributions", data=body.encode(), headers=headers)


def test_ingest_is_403_without_a_configured_token(client):
    error = error_of(ingest(client, VALID, token="anything"), 403)
    assert error["code"] == "ingest_disabled"


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x"])
def test_ingest_is_401_with_a_wrong_or_missing_token(disk_app, token):
    before = generation(disk_app)
    error = error_of(ingest(disk_app.test_client(), VALID, token=token), 401)
    assert error["code"] == "unauthorized"
    assert generation(disk_app) == before


def test_ingest_is_409_with_an_in_memory_store():
    app = create_app({"CONTRIBUTION_TOKEN": TOKEN, "QUERY_PROCESSES": 1}, store=curated_store())
    try:
        error = error_of(ingest(app.test_client(), VALID), 409)
        assert "hrckg serve --store PATH" in error["message"]
    finally:
        close(app)


SPARQL_LABELS = f"SELECT ?label WHERE {{ <{ID}doc/A-HRC-99-1> <{RDFS.label}> ?label }} ORDER BY ?label"


def sparql_labels(client) -> list[str]:
    response = client.post("/sparql", data={"query": SPARQL_LABELS},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    return [row["label"]["value"] for row in response.get_json()["results"]["bindings"]]


def test_ingest_with_the_token_applies_it_for_pages_and_sparql(disk_app):
    client = disk_app.test_client()
    assert sparql_labels(client) == []  # a query process now holds the store as it was
    assert client.get("/id/doc/A-HRC-99-1", headers={"Accept": "text/turtle"}).status_code == 404
    before = generation(disk_app)
    response = ingest(client, VALID, name="valid.ttl")
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["added"] == 43 and body["conforms"] is True
    assert re.fullmatch(r"https://w3id\.org/hrckg/graph/contribution/[0-9a-f]{16}", body["graph"])
    assert response.headers["Location"] == body["graph"].removeprefix("https://w3id.org/hrckg")
    assert generation(disk_app) != before
    page = client.get("/id/doc/A-HRC-99-1", headers={"Accept": "text/turtle"})
    assert page.status_code == 200
    assert (URIRef(ID + "doc/A-HRC-99-1"), RDF.type, URIRef("https://w3id.org/hrckg/ontology#Report")) in Graph().parse(
        data=page.get_data(as_text=True), format="turtle")
    assert client.get("/id/doc/A-HRC-99-1", headers={"Accept": BROWSER}).status_code == 200
    assert sparql_labels(client) == ["Report A/HRC/99/1 (test)", "报告 A/HRC/99/1(测试)"]
    assert client.get(response.headers["Location"], headers={"Accept": BROWSER}).status_code == 200


def test_ingest_same_file_twice_is_409_and_changes_nothing(disk_app):
    client = disk_app.test_client()
    first = ingest(client, report(2), name="report.ttl")
    assert first.status_code == 201, first.get_data(as_text=True)
    before = generation(disk_app)
    error = error_of(ingest(client, report(2), name="again.ttl"), 409)
    assert error["message"].startswith("this file (same SHA-256) was already ingested")
    assert generation(disk_app) == before


def test_ingest_non_conforming_is_422_with_the_report_and_changes_nothing(disk_app):
    client = disk_app.test_client()
    before, quads = generation(disk_app), snapshot(store_of(disk_app))
    response = ingest(client, dangling(3))
    assert response.status_code == 422
    body = response.get_json()
    assert body["conforms"] is False and body["counts"]["Violation"] == 4
    assert "Location" not in response.headers
    assert generation(disk_app) == before and snapshot(store_of(disk_app)) == quads


def test_ingest_malformed_is_400_and_changes_nothing(disk_app):
    before = generation(disk_app)
    error = error_of(ingest(disk_app.test_client(), MALFORMED), 400)
    assert (error["line"], error["column"]) == (4, 1)
    assert generation(disk_app) == before


# ---------------------------------------------------------------------------------------------
# The /contribute page


def page(client, **form):
    response = client.post("/contribute", data=form, headers={"Accept": BROWSER}, content_type="multipart/form-data")
    assert response.status_code == 200 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    return body, assert_clean_html(body)


def test_contribute_page_is_valid_html(client):
    response = client.get("/contribute", headers={"Accept": BROWSER})
    assert response.status_code == 200
    document = assert_clean_html(response.get_data(as_text=True))
    form = document.find(".//form[@class='contribute']")
    assert (form.get("method"), form.get("action"), form.get("enctype")) == (
        "post", "/contribute", "multipart/form-data")
    assert form.find(".//textarea[@name='text']") is not None and form.find(".//input[@name='file']") is not None


def test_pasted_text_shows_the_report_with_links_and_the_diff(client):
    body, document = page(client, text=DANGLING, action="validate")
    rows = document.findall(".//table[@class='results']/tbody/tr")
    assert len(rows) == 4
    focus_links = {row.find("td[2]/a").get("href") for row in rows}
    assert focus_links == {"/id/activity/test-training"}
    assert "KHM (Cambodia)" in body  # the hint
    diff = document.find(".//section[@id='diff']")
    resources = [a.get("href") for a in diff.findall(".//details/summary/a")]
    assert resources == ["/id/activity/test-training", "/id/doc/A-HRC-99-1", "/id/doc/A-HRC-99-1/para/1"]
    linked = [a.get("href") for a in diff.findall(".//ul[@class='linked']/li/a")]
    assert linked == ["/id/country/KHM", "/id/org/ohchr"]
    assert document.find(".//textarea[@name='text']").text.strip() == DANGLING.strip()


def test_uploaded_file_is_validated(client):
    body, document = page(client, file=(io.BytesIO(VALID.encode()), "upload-test.ttl"), action="validate")
    verdict = document.find(".//p[@id='verdict']")
    assert "conforms" in verdict.get("class").split()
    assert "upload-test.ttl" in "".join(verdict.itertext())
    assert len(document.findall(".//section[@id='diff']//details")) == 6


def test_malformed_paste_shows_the_error_with_line_and_column(client):
    body, document = page(client, text=MALFORMED, action="validate")
    problem = document.find(".//section[@id='error']")
    text = " ".join("".join(problem.itertext()).split())
    assert "A dot is expected at the end of statements" in text
    assert "Line 4, column 1." in text
    assert document.find(".//section[@id='report']") is None


def test_html_in_literals_is_escaped_on_the_page(client):
    text = CONTEXT.replace("A/HRC/99/1, para. 1", "para. 1 " + SCRIPT.replace('"', '\\"'))
    body, document = page(client, text=text, action="validate")
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert document.find(".//textarea[@name='text']").text.strip() == text.strip()  # given back verbatim
    shown = [li for li in document.iter("li") if "alert(1)" in "".join(li.itertext())]
    assert shown and all(not li.findall(".//script") for li in shown)


def test_page_ingests_only_with_the_token(disk_app):
    client = disk_app.test_client()
    before = generation(disk_app)
    body, document = page(client, text=report(5), action="ingest", token="wrong")
    assert "401 Unauthorized" in " ".join("".join(document.find(".//section[@id='error']").itertext()).split())
    assert document.find(".//section[@id='ingested']") is None
    assert generation(disk_app) == before
    body, document = page(client, text=report(5), action="ingest", token=TOKEN)
    applied = document.find(".//section[@id='ingested']")
    link = applied.find(".//a")
    assert link.get("href").startswith("/graph/contribution/")
    assert link.text == "https://w3id.org/hrckg" + link.get("href")
    assert generation(disk_app) != before
    assert client.get("/id/doc/A-HRC-99-5", headers={"Accept": BROWSER}).status_code == 200


def test_ingest_keeps_an_upload_name_that_looks_like_an_option_and_takes_a_lower_case_scheme(disk_app):
    client = disk_app.test_client()
    headers = {**TURTLE, **JSON, "Content-Disposition": 'attachment; filename="-x.ttl"', "Authorization": f"bearer {TOKEN}"}
    response = client.post("/contributions", data=report(4).encode(), headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    names = [row["name"].value for row in contributions.ingested(store_of(disk_app))]
    assert "-x.ttl" in names


def test_too_many_triples_over_http_is_413(client, site_app, monkeypatch):
    monkeypatch.setitem(site_app.config, "MAX_CONTRIBUTION_TRIPLES", 5)
    error = error_of(validate(client, VALID), 413)
    assert "a contribution over HTTP may have at most 5" in error["message"]
