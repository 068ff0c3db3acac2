"""The Flask application factory: configuration, the store, the query processes and the blueprints."""

import re

from flask import Flask

from . import (browse, contribute, description, downloads, errors, guide, i18n, loading, ontology_docs, pages, pictures, search,
               sparql, workbench)
from .executor import QueryPool
from .store import Location, StoreHandle, curated_store

DEFAULTS = {
    "QUERY_TIMEOUT": 30.0,  # seconds before a query is stopped
    "MAX_ROWS": 10_000,  # rows (or triples) in one answer
    "MAX_RESPONSE_BYTES": 64 << 20,  # bytes in one answer
    "MAX_CONTENT_LENGTH": 1 << 20,  # bytes in one request body
    "SERVICE_ALLOWLIST": (),  # IRI prefixes SERVICE may call; empty: no remote calls at all
    "QUERY_PROCESSES": 4,  # query processes per web worker: as many as it has threads
    "QUERY_MEMORY_LIMIT": 2 << 30,  # bytes a query may allocate beyond the store itself
    "STORE_PATH": None,  # on-disk store; None: in memory (or the external store below)
    "STORE_QUERY_URL": None,  # an external SPARQL 1.1 store's query URL, instead of the embedded store
    "STORE_UPDATE_URL": None,  # its update URL (to load the project's files and ingest contributions)
    "STORE_GRAPH_STORE_URL": None,  # its Graph Store Protocol URL (idem)
    "MAX_CONTRIBUTION_BYTES": 8 << 20,  # bytes in one contribution (POST /contributions...)
    "CONTRIBUTION_TOKEN": None,  # the bearer token POST /contributions needs; None: ingest over HTTP is off
    "INGEST_TIMEOUT": 600,  # seconds an ingest over HTTP may take
    "MAX_CONTRIBUTION_TRIPLES": 20_000,  # triples in one contribution over HTTP (validation time grows with them)
}

# Per-process caches built from the store, dropped when a writer publishes new data.
CACHES = ("hrckg.statistics", "hrckg.downloads", "hrckg.ontology_docs", "hrckg.pictures")

# Blueprints whose answers any origin may read: the endpoint, the descriptions, dereferenced
# resources, the ontology, dumps and search (linked-data clients in a browser need them all).
_CROSS_ORIGIN_READS = ("sparql", "description", "pages", "ontology_docs", "downloads", "search", "contribute")
# Headers a cross-origin script may read from our answers.
_EXPOSED = "Content-Type, Content-Length, Vary, HRCKG-Result-Truncated, Retry-After"


def create_app(config: dict | None = None, store=None) -> Flask:
    """Build the app. Settings: DEFAULTS, then HRCKG_* environment variables, then `config`.

    `store` lets tests inject a ready pyoxigraph store; otherwise the curated graph is loaded,
    in memory or into STORE_PATH."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("HRCKG")
    app.config.update(config or {})
    app.json.ensure_ascii = False

    location = Location.from_config(app.config)
    if store is not None:
        handle = StoreHandle(store=store)
    elif location.remote:
        external = location.external()
        if location.writable:
            loading.sync(external)  # load the project files whose checksum changed
        handle = StoreHandle(store=external, location=location)
    elif location.path:
        curated_store(location.path)  # publish a generation if project files changed
        handle = StoreHandle(path=location.path)
    else:
        handle = StoreHandle(store=curated_store())
    app.extensions["hrckg.store"] = handle
    check_allow_list(app.config["SERVICE_ALLOWLIST"])
    # Query processes are cut off from the network unless SERVICE may call out, or the store itself is remote.
    app.extensions["hrckg.pool"] = QueryPool(handle.get, app.config["QUERY_PROCESSES"], app.config["QUERY_MEMORY_LIMIT"],
                                             offline=not app.config["SERVICE_ALLOWLIST"] and not handle.remote)

    handle.on_change(lambda: data_changed(app))
    app.before_request(handle.refresh)

    errors.register(app)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(description.blueprint)
    for module in (browse, search, pages, workbench, ontology_docs, downloads, pictures, contribute, guide):
        app.register_blueprint(module.blueprint)
    app.after_request(allow_cross_origin_reads)
    app.after_request(i18n.remember_language)
    app.after_request(i18n.vary_on_language)
    app.after_request(add_security_headers)
    app.jinja_env.globals.update(ui=i18n.ui, language=i18n.chosen_language, language_url=i18n.language_url)
    return app


def data_changed(app: Flask) -> None:
    """A writer published new data: forget what was built from the old, and let later queries run
    in query processes that open the store afresh."""
    for key in CACHES:
        app.extensions.pop(key, None)
    search.invalidate(app)
    app.extensions["hrckg.pool"].renew()


# Pages load scripts, styles, images and data only from this server, and never run inline code.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
                           "form-action 'self'; frame-ancestors 'none'")


def add_security_headers(response):
    """A Content Security Policy on every answer (a view may set a stricter or looser one itself)."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def check_allow_list(prefixes) -> None:
    """Each allowed SERVICE prefix must name a whole host: https://query.wikidata.org/ and not
    https://query.wikidata.org, which would also let https://query.wikidata.org.evil.example/ through."""
    for prefix in prefixes:
        if not re.match(r"^https?://[^/@?#]+/", prefix):
            raise ValueError(f"SERVICE allow-list entry {prefix!r} must be an http(s) IRI with a host and a '/' after it")


def allow_cross_origin_reads(response):
    """CORS for the read-only endpoints: any origin may query and read the answer."""
    from flask import request

    if request.blueprint in _CROSS_ORIGIN_READS:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = _EXPOSED
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", "Accept, Content-Type")
            response.headers["Access-Control-Max-Age"] = "86400"
    return response
