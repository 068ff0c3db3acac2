"""The curated query gallery (queries/*.rq) runs against the curated graph and gives its expected rows.

Every NAME.rq has NAME.expected.csv beside it: the rows as SPARQL CSV (IRIs plain, literals in
their lexical form, unbound as empty), in the query's ORDER BY. The expected rows were checked
against the source texts, not copied from a run, so a failure means either the query or the data
changed: the message shows the rows that differ. Queries named *-violation.rq are quality checks
that must return no rows.
"""

import csv
import difflib
import io
import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib.plugins.sparql import prepareQuery

ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = ROOT / "queries"
ALL_QUERIES = sorted(QUERIES_DIR.glob("*.rq"))
VIOLATION_QUERIES = [q for q in ALL_QUERIES if q.stem.endswith("-violation")]
GALLERY_QUERIES = [q for q in ALL_QUERIES if q not in VIOLATION_QUERIES]


def _ids(paths):
    return [p.stem for p in paths]


@pytest.fixture(scope="module")
def curated_store():
    """The ontology, vocabularies and every data file in one in-memory pyoxigraph store, loaded once."""
    store = pyoxigraph.Store()
    files = sorted((ROOT / "ontology").glob("*.ttl")) + sorted((ROOT / "data").rglob("*.ttl"))
    for path in files:
        store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    return store


def run_query(store, text):
    """Run a SELECT query and return its rows as SPARQL CSV parsed back into lists (header first)."""
    results = store.query(text)
    if not isinstance(results, pyoxigraph.QuerySolutions):
        raise TypeError(f"gallery queries are SELECT queries; got {type(results).__name__}")
    data = results.serialize(format=pyoxigraph.QueryResultsFormat.CSV).decode("utf-8")
    return list(csv.reader(io.StringIO(data, newline="")))


def read_expected(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def header_fields(text):
    """The `# key: value` lines of the comment block a query file opens with."""
    fields = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = re.match(r"#\s*([a-z]+):\s*(.*\S)?\s*$", line)
        if match:
            fields.setdefault(match.group(1), (match.group(2) or "").strip())
    return fields


def _as_lines(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue().splitlines()


def describe_difference(name, expected, actual):
    """A readable account of how two row lists differ: counts, then a unified diff of the rows."""
    missing = [row for row in expected[1:] if row not in actual[1:]]
    extra = [row for row in actual[1:] if row not in expected[1:]]
    lines = [
        f"{name}: {len(actual) - 1} rows returned, {len(expected) - 1} expected "
        f"({len(missing)} expected rows missing, {len(extra)} unexpected rows"
        + (", same rows in another order" if not missing and not extra and expected[1:] != actual[1:] else "")
        + ")"
    ]
    if expected[:1] != actual[:1]:
        lines.append(f"header: expected {expected[:1]}, got {actual[:1]}")
    for row in missing:
        lines.append(f"  missing:    {row}")
    for row in extra:
        lines.append(f"  unexpected: {row}")
    diff = difflib.unified_diff(
        _as_lines(expected), _as_lines(actual), f"{name}.expected.csv", f"{name} (actual)", lineterm="", n=1
    )
    lines.append("diff (order-sensitive):")
    lines.extend(diff)
    return "\n".join(lines)


def test_the_gallery_has_queries_and_checks():
    assert len(GALLERY_QUERIES) >= 16, f"only {len(GALLERY_QUERIES)} gallery queries in {QUERIES_DIR}"
    assert len(VIOLATION_QUERIES) >= 2, f"only {len(VIOLATION_QUERIES)} *-violation.rq checks in {QUERIES_DIR}"


@pytest.mark.parametrize("query_path", ALL_QUERIES, ids=_ids(ALL_QUERIES))
def test_query_header(query_path):
    """Every query opens with a title and a description, parses as standard SPARQL 1.1 and is ordered."""
    text = query_path.read_text(encoding="utf-8")
    fields = header_fields(text)
    for key in ("title", "description"):
        assert fields.get(key), f"{query_path.name}: the opening comment block has no non-empty `# {key}:` line"
    # rdflib's parser is independent of pyoxigraph's: a query both accept is not tied to one engine.
    prepareQuery(text)
    if query_path in GALLERY_QUERIES:
        assert fields.get("checked"), f"{query_path.name}: say in a `# checked:` line how the expected rows were verified"
        assert re.search(r"\bORDER\s+BY\b", text, re.IGNORECASE), f"{query_path.name}: no ORDER BY, rows would be in no fixed order"


@pytest.mark.parametrize("query_path", GALLERY_QUERIES, ids=_ids(GALLERY_QUERIES))
def test_query_gives_expected_rows(curated_store, query_path):
    expected_path = query_path.with_suffix(".expected.csv")
    assert expected_path.exists(), f"{query_path.name} has no {expected_path.name} beside it"
    actual = run_query(curated_store, query_path.read_text(encoding="utf-8"))
    expected = read_expected(expected_path)
    if actual != expected:
        pytest.fail(describe_difference(query_path.stem, expected, actual), pytrace=False)


@pytest.mark.parametrize("query_path", VIOLATION_QUERIES, ids=_ids(VIOLATION_QUERIES))
def test_quality_check_finds_nothing(curated_store, query_path):
    rows = run_query(curated_store, query_path.read_text(encoding="utf-8"))
    if len(rows) > 1:
        title = header_fields(query_path.read_text(encoding="utf-8")).get("title", query_path.stem)
        shown = "\n".join(f"  {row}" for row in rows[1:51])
        more = f"\n  ... and {len(rows) - 51} more" if len(rows) > 51 else ""
        pytest.fail(f"{query_path.name} ({title}): {len(rows) - 1} violations\n  {rows[0]}\n{shown}{more}", pytrace=False)



@pytest.mark.parametrize("path", sorted((QUERIES_DIR / "federated").glob("*.rq")), ids=lambda p: p.stem)
def test_federated_examples_parse_and_our_half_of_the_join_answers(path, curated_store):
    """Federated examples reach outside hosts, so CI checks their syntax and runs only the local part."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# title:") and "# description:" in text
    prepareQuery(text)
    local_part = text.split("SERVICE")[0].replace("?item ?population", "") + "}"
    assert len(list(curated_store.query(local_part))) == 57
