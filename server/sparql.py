"""The SPARQL 1.1 Protocol endpoint at /sparql: read-only, negotiated, capped and timed.

https://www.w3.org/TR/sparql11-protocol/ section 2.1: a query by GET, by POST of an url-encoded
form or by POST of application/sparql-query, with default-graph-uri and named-graph-uri. A GET
without a query returns the Service Description (see description.py)."""

from urllib.parse import unquote_to_bytes

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from . import conneg
from .description import service_description_response
from .errors import BadRequest, QueryNotAcceptable, ReadOnly, ServiceForbidden, request_body
from .executor import Job
from .query_text import has_from_clause, service_targets

blueprint = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
_UPDATE_REFUSAL = "this endpoint is read-only: SPARQL updates are not accepted"


def decode_form(raw: bytes, where: str) -> list[tuple[str, str]]:
    """Decode an url-encoded string strictly as UTF-8, keeping repeated and empty parameters."""
    pairs = []
    for member in raw.split(b"&"):
        if not member:
            continue
        key, _, value = member.partition(b"=")
        try:
            pairs.append(tuple(unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8") for part in (key, value)))
        except UnicodeDecodeError as err:
            name = key[:40].decode("utf-8", "replace")
            raise BadRequest(f"the {where} is not valid UTF-8 (parameter {name!r}, byte {err.start})") from None
    return pairs


def _values(pairs, name: str) -> list[str]:
    return [value for key, value in pairs if key == name]


def _body_text() -> str:
    try:
        return request_body(current_app.config["MAX_CONTENT_LENGTH"]).decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadRequest(f"the request body is not valid UTF-8 (byte {err.start})") from None


def protocol_request() -> tuple[str | None, list[tuple[str, str]]]:
    """The query (None for a GET without one) and every other parameter of the request."""
    url_params = decode_form(request.query_string, "URL query string")
    if _values(url_params, "update"):
        raise ReadOnly(_UPDATE_REFUSAL)
    if request.method in ("GET", "HEAD"):
        params, queries = url_params, _values(url_params, "query")
        if not queries:
            return None, params
    else:
        media_type = request.mimetype
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise BadRequest(f"the request body must be UTF-8, not {charset}")
        if media_type == FORM:
            body = decode_form(request_body(current_app.config["MAX_CONTENT_LENGTH"]), "request body")
            if _values(body, "update"):
                raise ReadOnly(_UPDATE_REFUSAL)
            params = url_params + body
            queries = _values(params, "query")
        elif media_type == QUERY:
            params, queries = url_params, _values(url_params, "query") + [_body_text()]
        elif media_type == UPDATE:
            raise ReadOnly(_UPDATE_REFUSAL)
        elif not media_type:
            raise BadRequest(f"a POST needs a Content-Type: {FORM} or {QUERY}")
        else:
            raise BadRequest(f"unsupported Content-Type {media_type!r}; send {FORM} or {QUERY}")
        if not queries:
            raise BadRequest("the request has no query parameter")
    if len(queries) > 1:
        raise BadRequest(f"the request has {len(queries)} queries; send exactly one")
    if not queries[0].strip():
        raise BadRequest("the query is empty")
    return queries[0], params


def check_service_calls(query: str, allowed_prefixes) -> None:
    """Refuse SERVICE calls unless their endpoint starts with an allowed prefix (SSRF guard)."""
    for target in service_targets(query):
        if target is None:
            raise ServiceForbidden("SERVICE must name its endpoint with a full IRI such as <https://example.org/sparql>; "
                                   "a variable or prefixed name is not allowed on this server")
        if not any(target.startswith(prefix) for prefix in allowed_prefixes):
            raise ServiceForbidden(f"SERVICE calls to <{target}> are not allowed on this server "
                                   "(the allow-list is set by the SERVICE_ALLOWLIST setting)")


def negotiated_formats(params) -> dict:
    """The format for each kind of answer, negotiated before any work is done."""
    accept, format_param = request.headers.get("Accept"), (_values(params, "format") or [None])[0]
    try:
        chosen = {"results": conneg.negotiate(accept, format_param, conneg.RESULT_FORMATS),
                  "graph": conneg.negotiate(accept, format_param, conneg.GRAPH_FORMATS)}
    except conneg.UnknownFormat as err:
        raise BadRequest(str(err)) from None
    if not any(chosen.values()):
        raise QueryNotAcceptable("results")
    return {kind: fmt.name if fmt else None for kind, fmt in chosen.items()}


def _iris(params, name: str) -> tuple[str, ...] | None:
    values = _values(params, name)
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as err:
            raise BadRequest(f"{name} {value!r} is not an absolute IRI: {err}") from None
    return tuple(values) if values else None


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint():
    query, params = protocol_request()
    if query is None:
        return service_description_response()
    config = current_app.config
    check_service_calls(query, config["SERVICE_ALLOWLIST"])
    default_graphs, named_graphs = _iris(params, "default-graph-uri"), _iris(params, "named-graph-uri")
    job = Job(
        query=query,
        formats=negotiated_formats(params),
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        union_default_graph=not has_from_clause(query),
        max_rows=config["MAX_ROWS"],
        max_bytes=config["MAX_RESPONSE_BYTES"],
        limit_link=request.base_url + "#limits",
    )
    answer, body = current_app.extensions["hrckg.pool"].run(job, config["QUERY_TIMEOUT"])
    fmt = conneg.format_named(answer.format_name, conneg.ALL_FORMATS)
    response = Response(body, content_type=fmt.content_type)
    response.content_length = answer.size
    response.headers["Vary"] = "Accept"
    if answer.truncated_by:
        limit = config["MAX_ROWS"] if answer.truncated_by == "rows" else config["MAX_RESPONSE_BYTES"]
        response.headers["HRCKG-Result-Truncated"] = f"{answer.truncated_by}; limit={limit}; returned-rows={answer.rows}"
    return response
