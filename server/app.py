"""The Flask application factory: configuration, the store, the query processes and the blueprints."""

import re

from flask import Flask, redirect, url_for

from . import description, errors, sparql
from .executor import QueryPool
from .store import StoreHandle, curated_store

DEFAULTS = {
    "QUERY_TIMEOUT": 30.0,  # seconds before a query is stopped
    "MAX_ROWS": 10_000,  # rows (or triples) in one answer
    "MAX_RESPONSE_BYTES": 64 << 20,  # bytes in one answer
    "MAX_CONTENT_LENGTH": 1 << 20,  # bytes in one request body
    "SERVICE_ALLOWLIST": (),  # IRI prefixes SERVICE may call; empty: no remote calls at all
    "QUERY_PROCESSES": 4,  # query processes per web worker: as many as it has threads
    "QUERY_MEMORY_LIMIT": 2 << 30,  # bytes a query may allocate beyond the store itself
    "STORE_PATH": None,  # on-disk store; None: in memory
}

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

    if store is not None:
        handle = StoreHandle(store=store)
    elif app.config["STORE_PATH"]:
        curated_store(app.config["STORE_PATH"])  # load, then let go of the writable handle
        handle = StoreHandle(path=app.config["STORE_PATH"])
    else:
        handle = StoreHandle(store=curated_store())
    app.extensions["hrckg.store"] = handle
    check_allow_list(app.config["SERVICE_ALLOWLIST"])
    app.extensions["hrckg.pool"] = QueryPool(handle.get, app.config["QUERY_PROCESSES"], app.config["QUERY_MEMORY_LIMIT"],
                                             offline=not app.config["SERVICE_ALLOWLIST"])

    errors.register(app)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(description.blueprint)
    app.after_request(allow_cross_origin_reads)

    @app.get("/")
    def home():
        return redirect(url_for("sparql.endpoint"), 303)

    return app


def check_allow_list(prefixes) -> None:
    """Each allowed SERVICE prefix must name a whole host: https://query.wikidata.org/ and not
    https://query.wikidata.org, which would also let https://query.wikidata.org.evil.example/ through."""
    for prefix in prefixes:
        if not re.match(r"^https?://[^/@?#]+/", prefix):
            raise ValueError(f"SERVICE allow-list entry {prefix!r} must be an http(s) IRI with a host and a '/' after it")


def allow_cross_origin_reads(response):
    """CORS for the read-only endpoints: any origin may query and read the answer."""
    from flask import request

    if request.blueprint in ("sparql", "description"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = _EXPOSED
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", "Accept, Content-Type")
            response.headers["Access-Control-Max-Age"] = "86400"
    return response
