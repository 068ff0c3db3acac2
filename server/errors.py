"""The few things that can go wrong for a client, each with one HTTP status and a stable code.

Every error response says what was wrong (and where, for a malformed query) in the format the
client prefers: JSON, HTML or plain text. Internal exception text and stack traces never reach
the client; unexpected exceptions are logged and answered with a generic 500."""

import re

from flask import Flask, current_app, g, render_template, request
from werkzeug.exceptions import HTTPException

from . import conneg

PLAIN = conneg.Format("text", "text/plain", "txt")
ERROR_JSON = conneg.Format("json", "application/json", "json")
_ERROR_FORMATS = (PLAIN, ERROR_JSON, conneg.HTML)
_POSITION = re.compile(r"^error at (\d+):(\d+): ")


class ClientError(Exception):
    """Base of the errors a client can cause or meet; subclasses fix the status and the code."""

    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, message: str, line: int | None = None, column: int | None = None, *,
                 status: int | None = None, code: str | None = None, title: str | None = None):
        """status, code and title override the class's, for errors met outside our own code."""
        super().__init__(message)
        self.message, self.line, self.column = message, line, column
        self.status, self.code, self.title = status or self.status, code or self.code, title or self.title


class BadRequest(ClientError):
    """The request breaks the SPARQL 1.1 Protocol (missing or repeated query, wrong media type...)."""


class QueryMalformed(ClientError):
    """The query is not valid SPARQL 1.1; the parser's line and column are kept."""

    code, title = "malformed_query", "Malformed query"

    def __init__(self, message: str):
        position = _POSITION.match(message)
        if position:
            line, column = int(position.group(1)), int(position.group(2))
            super().__init__(f"syntax error at line {line}, column {column}: {message[position.end():]}", line, column)
        else:
            super().__init__(message)


class QueryNotAcceptable(ClientError):
    status, code, title = 406, "not_acceptable", "Not acceptable"

    def __init__(self, kind: str):
        offered = conneg.RESULT_FORMATS if kind == "results" else conneg.GRAPH_FORMATS
        what = "SELECT and ASK results" if kind == "results" else "CONSTRUCT and DESCRIBE results"
        super().__init__(f"none of the formats in your Accept header or format parameter can carry {what}; "
                         f"this endpoint offers {', '.join(f.media_type for f in offered)}")


class NotAcceptable(QueryNotAcceptable):
    """406 for a page: names the formats this page is offered in."""

    def __init__(self, offered):
        ClientError.__init__(self, "none of the formats in your Accept header or format parameter is offered here; "
                                   f"this page is available as {', '.join(f.media_type for f in offered)}")


class NotFound(ClientError):
    status, code, title = 404, "not_found", "Not found"


def negotiated(offered) -> conneg.Format:
    """The format to answer this request with, or the 400/406 error the client gets instead."""
    try:
        fmt = conneg.negotiate(request.headers.get("Accept"), request.args.get("format"), offered)
    except conneg.UnknownFormat as err:
        raise BadRequest(str(err)) from None
    if fmt is None:
        raise NotAcceptable(offered)
    return fmt


class ReadOnly(ClientError):
    status, code, title = 403, "read_only", "Read-only endpoint"


class ServiceForbidden(ClientError):
    status, code, title = 403, "service_forbidden", "Remote call refused"


class PayloadTooLarge(ClientError):
    status, code, title = 413, "too_large", "Request too large"

    def __init__(self, limit: int):
        super().__init__(f"the request body is larger than the limit of {limit} bytes")


class QueryTimeout(ClientError):
    status, code, title = 503, "timeout", "Query timed out"


class ServerBusy(ClientError):
    status, code, title = 503, "busy", "Server busy"


class QueryFailed(ClientError):
    status, code, title = 500, "query_failed", "Query failed"


def request_body(limit: int) -> bytes:
    """The request body, refused with a 413 naming limit when it is larger. Werkzeug stops reading a
    chunked body at request.max_content_length without saying so: a chunked body that reaches it is
    refused rather than silently cut (a view that accepts exactly `limit` bytes sets it to limit + 1)."""
    data = request.get_data(cache=True)
    cut = request.max_content_length
    if request.content_length is None and cut is not None and len(data) >= cut:
        raise PayloadTooLarge(limit)
    return data


def error_response(error: ClientError):
    fmt = conneg.negotiate(request.headers.get("Accept"), None, _ERROR_FORMATS) or PLAIN
    where = {key: value for key, value in (("line", error.line), ("column", error.column)) if value is not None}
    if fmt is ERROR_JSON:
        body = {"error": {"status": error.status, "code": error.code, "message": error.message, **where}}
        response = current_app.json.response(body)
    elif fmt is conneg.HTML:
        response = current_app.response_class(render_template("error.html", error=error), mimetype="text/html")
    else:
        response = current_app.response_class(f"{error.status} {error.title}: {error.message}\n", mimetype="text/plain")
    response.status_code = error.status
    if error.status == 503:
        response.headers["Retry-After"] = "5"
    return response


def register(app: Flask) -> None:
    app.register_error_handler(ClientError, error_response)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 413:
            return error_response(PayloadTooLarge(g.get("body_limit", request.max_content_length)))
        response = error_response(ClientError(error.description or error.name, status=error.code or 500,
                                              code=error.name.lower().replace(" ", "_"), title=error.name))
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(ClientError("the server met an unexpected error; it has been logged",
                                          status=500, code="internal_error", title="Internal error"))
