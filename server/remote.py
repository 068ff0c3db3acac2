"""An external SPARQL 1.1 store reached over HTTP, behind the same interface as the embedded store.

The server, the loader and the validator use a small part of pyoxigraph.Store: query() (with
substitutions and a dataset), quads_for_pattern(), contains_named_graph(), iteration, extend(),
remove_graph(). SparqlHttpStore offers that part over the SPARQL 1.1 Protocol (query and update
URLs) and the Graph Store HTTP Protocol (loading a named graph), and answers with pyoxigraph's own
term and result types, so no caller needs to know which store it has.

What the external store must do: treat its default graph as the union of its named graphs (as
`oxigraph serve --union-default-graph`, Virtuoso and Fuseki's unionDefaultGraph do), because that
is what hrckg's endpoint promises.

Blank nodes cannot be named in a query, so a page could not follow one (the ontology's lists, the
shapes' property shapes). hrckg therefore writes them to an external store as skolem IRIs
(https://w3id.org/hrckg/.well-known/genid/..., RDF 1.1 section 3.5) and reads those back as the
blank nodes they stand for: hrckg's answers are the same on both stores, and anyone reading the
external store directly sees the skolem IRIs."""

import http.client
import os
import re
import threading
import urllib.parse
from hashlib import sha256

import pyoxigraph as ox

from .query_text import bind

GENID = "https://w3id.org/hrckg/.well-known/genid/"
_GENID_JSON = re.compile(rb'\{\s*"type"\s*:\s*"uri"\s*,\s*"value"\s*:\s*"' + re.escape(GENID.encode()) + rb'([^"\\]+)"\s*\}')
_GENID_XML = re.compile(rb"<uri>" + re.escape(GENID.encode()) + rb"([^<]+)</uri>")
_GENID_NT = re.compile(rb"<" + re.escape(GENID.encode()) + rb"([^>]+)>")
ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
          "application/sparql-results+xml;q=0.7, application/rdf+xml;q=0.6")
_SHA256 = "https://w3id.org/hrckg/ontology#sha256"
PAGE = 50_000  # rows per request when a lookup may match a lot (iterating the store, a popular object)


def check_urls(query_url, update_url=None, graph_store_url=None) -> None:
    for name, url in (("query", query_url), ("update", update_url), ("graph store", graph_store_url)):
        if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"the external store's {name} URL must be an http(s) URL, not {url!r}")


class RemoteStoreError(OSError):
    """The external store could not be reached, or refused a request; says which URL and why."""


class RemoteTriples(list):
    """The triples of a CONSTRUCT or DESCRIBE answer (pyoxigraph's QueryTriples cannot be built from Python)."""


class SparqlHttpStore:
    """A SPARQL 1.1 store over HTTP. query_url is required; update_url and graph_store_url only for writing."""

    def __init__(self, query_url: str, update_url: str | None = None, graph_store_url: str | None = None,
                 timeout: float = 300):
        check_urls(query_url, update_url, graph_store_url)
        self.query_url, self.update_url, self.graph_store_url = query_url, update_url, graph_store_url
        self.timeout = timeout
        self._local = threading.local()
        self._opened: list[http.client.HTTPConnection] = []  # by this process, for close()

    def __repr__(self) -> str:
        return f"<SparqlHttpStore {self.query_url}>"

    # ------------------------------------------------------------------ reading

    def query(self, query: str, *, use_default_graph_as_union: bool = False, substitutions: dict | None = None,
              default_graph=None, named_graphs=None):
        """Run a query; answers as pyoxigraph does (QuerySolutions, QueryBoolean, or triples).

        The default graph is the store's (the union, see the module docstring), whatever
        use_default_graph_as_union says; a dataset given here is passed on as protocol parameters."""
        if substitutions:
            query = bind(query, {variable: skolem(term) for variable, term in substitutions.items()})
        fields = [("query", query)]
        fields += [("default-graph-uri", g.value) for g in default_graph or ()]
        fields += [("named-graph-uri", g.value) for g in named_graphs or ()]
        status, content_type, body = self._request("POST", self.query_url, urllib.parse.urlencode(fields).encode(),
                                                   {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT})
        if status == 400:
            raise SyntaxError(_message(body) or "the external store refused the query as malformed")
        self._check(status, body, "query", self.query_url)
        results_format = ox.QueryResultsFormat.from_media_type(content_type)
        if results_format == ox.QueryResultsFormat.JSON:
            return ox.parse_query_results(_GENID_JSON.sub(rb'{"type":"bnode","value":"\1"}', body), format=results_format)
        if results_format == ox.QueryResultsFormat.XML:
            return ox.parse_query_results(_GENID_XML.sub(rb"<bnode>\1</bnode>", body), format=results_format)
        rdf_format = ox.RdfFormat.from_media_type(content_type)
        if rdf_format is None:
            raise RemoteStoreError(f"{self.query_url} answered in {content_type!r}, which hrckg cannot read")
        if rdf_format == ox.RdfFormat.N_TRIPLES:
            return RemoteTriples(q.triple for q in ox.parse(_GENID_NT.sub(rb"_:\1", body), format=rdf_format))
        return RemoteTriples(ox.Triple(*map(unskolem, q.triple)) for q in ox.parse(body, format=rdf_format))

    def quads_for_pattern(self, subject, predicate, obj, graph_name=None):
        """Matching quads in the named graphs (the store's own default graph is the union of them)."""
        terms = {"s": skolem(subject), "p": predicate, "o": skolem(obj), "g": graph_name}
        pattern = " ".join(str(terms[name]) if terms[name] is not None else f"?{name}" for name in "spo")
        graph = str(graph_name) if graph_name is not None else "?g"
        return self._paged(f"SELECT * WHERE {{ GRAPH {graph} {{ {pattern} }} }}", terms)

    def _paged(self, query: str, terms: dict):
        offset = 0
        while True:
            rows = list(self.query(f"{query} LIMIT {PAGE} OFFSET {offset}"))
            for row in rows:
                yield ox.Quad(*(unskolem(terms[name]) if terms[name] is not None else row[name] for name in "spog"))
            if len(rows) < PAGE:
                return
            offset += PAGE

    def __iter__(self):
        return self.quads_for_pattern(None, None, None, None)

    def __len__(self) -> int:
        return int(next(iter(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value)

    def contains_named_graph(self, graph_name) -> bool:
        return bool(self.query(f"ASK {{ GRAPH {graph_name} {{ ?s ?p ?o }} }}"))

    def named_graphs(self):
        return iter([row["g"] for row in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")])

    def fingerprint(self) -> str:
        """A digest of every file checksum the store records (the manifest, contributions): it
        changes whenever hrckg loads or ingests anything, so servers know to drop their caches."""
        rows = self.query(f"SELECT ?g ?sha WHERE {{ ?g <{_SHA256}> ?sha }}")
        return sha256("\n".join(sorted(f"{row['g']} {row['sha']}" for row in rows)).encode()).hexdigest()

    # ------------------------------------------------------------------ writing

    def remove_graph(self, graph_name) -> None:
        self.update(f"DROP SILENT GRAPH {graph_name}")

    def update(self, update: str) -> None:
        if not self.update_url:
            raise RemoteStoreError("no update URL is configured for the external store, so hrckg cannot change it")
        status, _, body = self._request("POST", self.update_url, update.encode("utf-8"),
                                        {"Content-Type": "application/sparql-update"})
        self._check(status, body, "update", self.update_url)

    def extend(self, quads) -> None:
        """Add quads, one Graph Store POST per named graph."""
        by_graph: dict = {}
        for quad in quads:
            if isinstance(quad.graph_name, ox.DefaultGraph):
                raise RemoteStoreError("hrckg writes only into named graphs of an external store")
            by_graph.setdefault(quad.graph_name, []).append(ox.Triple(skolem(quad.subject), quad.predicate,
                                                                       skolem(quad.object)))
        for graph_name, triples in by_graph.items():
            self._send_graph("POST", graph_name, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                             ox.RdfFormat.N_TRIPLES)

    def add(self, quad) -> None:
        self.extend([quad])

    def put_graph(self, graph_name, stream, rdf_format: ox.RdfFormat, base_iri: str | None = None) -> None:
        """Replace a named graph with the triples of a serialization (a binary file), in one Graph
        Store PUT, streamed as N-Triples with blank nodes skolemized."""
        self._send_graph("PUT", graph_name, _skolemized_ntriples(stream, rdf_format, base_iri), ox.RdfFormat.N_TRIPLES)

    def _send_graph(self, method: str, graph_name, body, rdf_format: ox.RdfFormat) -> None:
        if not self.graph_store_url:
            raise RemoteStoreError("no Graph Store Protocol URL is configured for the external store, "
                                   "so hrckg cannot load data into it")
        separator = "&" if "?" in self.graph_store_url else "?"
        url = f"{self.graph_store_url}{separator}{urllib.parse.urlencode({'graph': graph_name.value})}"
        headers = {"Content-Type": rdf_format.media_type}
        if not isinstance(body, (bytes, bytearray)):
            headers["Transfer-Encoding"] = "chunked"
        status, _, answer = self._request(method, url, body, headers)
        self._check(status, answer, f"Graph Store {method}", url)

    # ------------------------------------------------------------------ HTTP

    def _connection(self, url: str, fresh: bool = False) -> http.client.HTTPConnection:
        """One keep-alive connection per thread, process and host (a forked process makes its own)."""
        parts = urllib.parse.urlsplit(url)
        key = (os.getpid(), parts.scheme, parts.netloc)
        connections = getattr(self._local, "connections", None)
        if connections is None or getattr(self._local, "pid", None) != os.getpid():
            connections = self._local.connections = {}
            self._local.pid = os.getpid()
        if fresh or key not in connections:
            kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            old = connections.pop(key, None)
            if old is not None:
                old.close()
            connections[key] = kind(parts.hostname, parts.port, timeout=self.timeout)
            self._opened = [c for c in self._opened if c.sock is not None] + [connections[key]]
        return connections[key]

    def close(self) -> None:
        """Close the connections this process opened (a server's are closed when its process ends)."""
        for connection in self._opened:
            connection.close()
        self._opened = []

    __del__ = close

    def _request(self, method: str, url: str, body, headers: dict) -> tuple[int, str, bytes]:
        parts = urllib.parse.urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        replayable = isinstance(body, (bytes, bytearray)) or body is None
        for attempt in (1, 2):
            connection = self._connection(url, fresh=attempt == 2)
            try:
                connection.request(method, target, body=body, headers=headers, encode_chunked="Transfer-Encoding" in headers)
                response = connection.getresponse()
                return response.status, response.getheader("Content-Type", ""), response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as err:
                connection.close()
                if attempt == 2 or not replayable:  # a keep-alive connection the store had closed: retry once
                    raise RemoteStoreError(f"{url}: {err}") from None
            except OSError as err:
                connection.close()
                raise RemoteStoreError(f"cannot reach the external store at {url}: {err}") from None
            except BaseException:  # the body could not be read (a syntax error in a file being loaded)
                connection.close()
                raise
        raise AssertionError("unreachable")

    @staticmethod
    def _check(status: int, body: bytes, what: str, url: str) -> None:
        if not 200 <= status < 300:
            raise RemoteStoreError(f"the external store refused the {what} at {url} with HTTP {status}: "
                                   f"{_message(body)[:500]}")


def skolem(term):
    """The skolem IRI hrckg writes for a blank node (other terms unchanged)."""
    return ox.NamedNode(GENID + term.value) if isinstance(term, ox.BlankNode) else term


def unskolem(term):
    """The blank node a skolem IRI stands for (other terms unchanged)."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(GENID):
        return ox.BlankNode(term.value[len(GENID):])
    return term


def _skolemized_ntriples(stream, rdf_format: ox.RdfFormat, base_iri: str | None, batch: int = 10_000):
    """The file's triples as N-Triples chunks, each blank node replaced by its skolem IRI."""
    triples = []
    for quad in ox.parse(stream, format=rdf_format, base_iri=base_iri):
        triples.append(ox.Triple(skolem(quad.subject), quad.predicate, skolem(quad.object)))
        if len(triples) >= batch:
            yield ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            triples = []
    yield ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def _message(body: bytes) -> str:
    return body.decode("utf-8", "replace").strip()
