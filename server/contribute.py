"""Contributions over HTTP: POST /contributions/validate (the report, whether or not it conforms),
token-gated POST /contributions (ingest), and the /contribute page to paste or upload a file.

"Could not validate" (malformed, unsupported, too large) is a 4xx error naming what and where;
"does not conform" is a 200 report (brief, Conventions 4)."""

import hmac
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, current_app, g, render_template, request, url_for

from . import answers, conneg, contributions, errors, resources, validation
from .contributions import ContributionError
from .errors import ClientError
from .i18n import chosen_language

blueprint = Blueprint("contribute", __name__)


@blueprint.before_request
def _contribution_size_limit():
    """Contributions may be larger than the SPARQL requests the app-wide limit is set for
    (a form adds a few bytes of its own around the file)."""
    form = request.endpoint == "contribute.contribute_form"
    # One byte over the limit is read, so that a chunked body that is too large can be told apart.
    request.max_content_length = current_app.config["MAX_CONTRIBUTION_BYTES"] + (64 << 10 if form else 1)
    g.body_limit = current_app.config["MAX_CONTRIBUTION_BYTES"]  # what a 413 names

REPORT_FORMATS = (errors.ERROR_JSON, conneg.TURTLE, conneg.HTML)
_SUFFIXES = {fmt: extension for extension, fmt in contributions.EXTENSIONS.items()}


class CouldNotValidate(ClientError):
    code, title = "could_not_validate", "Could not validate"


class IngestForbidden(ClientError):
    status, code, title = 403, "ingest_disabled", "Ingest disabled"


class IngestUnauthorized(ClientError):
    status, code, title = 401, "unauthorized", "Unauthorized"


class IngestConflict(ClientError):
    status, code, title = 409, "conflict", "Conflict"


def _contribution(data: bytes, name: str, media_type: str | None) -> contributions.Contribution:
    try:
        contribution = contributions.parse(data, name, media_type, current_app.config["MAX_CONTRIBUTION_BYTES"])
    except ContributionError as err:
        raise CouldNotValidate(err.message, err.line, err.column, status=err.status) from None
    limit = current_app.config["MAX_CONTRIBUTION_TRIPLES"]
    if len(contribution.triples) > limit:  # validation time grows with the triples; this endpoint is open to all
        raise CouldNotValidate(f"{len(contribution.triples):,} triples; a contribution over HTTP may have at most "
                               f"{limit:,}: split it, or check it with hrckg validate", status=413)
    return contribution


def _name() -> str:
    """What the client calls the upload: the Content-Disposition file name, if any."""
    disposition = request.headers.get("Content-Disposition", "")
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename" and value.strip('"'):
            return value.strip('"')
    return "request body"


def _check(contribution):
    try:
        return contributions.check(current_app.extensions["hrckg.store"].get(), contribution)
    except validation.ValidationError as err:
        raise ClientError(str(err), status=500, code="validation_failed", title="Validation failed") from None


def report_json(outcome) -> dict:
    body = json.loads(validation.format_json(outcome.report))
    body["resourcesValidated"] = outcome.focus
    body["diff"] = contributions.diff_json(outcome.contribution, outcome.diff)
    return body


def _answer(outcome, status: int = 200, fmt=None):
    fmt = fmt or errors.negotiated(REPORT_FORMATS)
    if fmt is conneg.TURTLE:
        response = current_app.response_class(validation.format_turtle(outcome.report), content_type=fmt.content_type)
    elif fmt is conneg.HTML:
        response = answers.html_response(render_template("contribute.html", **page_context(outcome)))
    else:
        response = current_app.json.response(report_json(outcome))
    response.status_code = status
    if fmt is not conneg.HTML:
        response.headers["Vary"] = "Accept"
    return response


@blueprint.post("/contributions/validate")
def validate_contribution():
    fmt = errors.negotiated(REPORT_FORMATS)  # 406 before any work
    contribution = _contribution(errors.request_body(current_app.config["MAX_CONTRIBUTION_BYTES"]), _name(), request.content_type or None)
    return _answer(_check(contribution), fmt=fmt)


@blueprint.post("/contributions")
def ingest_contribution():
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    _authorise(token.strip() if scheme.lower() == "bearer" else "")
    fmt = errors.negotiated(REPORT_FORMATS)
    data = errors.request_body(current_app.config["MAX_CONTRIBUTION_BYTES"])
    contribution = _contribution(data, _name(), request.content_type or None)
    result = _ingest(contribution, data)
    if isinstance(result, contributions.Outcome):
        return _answer(result, status=422, fmt=fmt)
    if fmt is conneg.HTML:
        return _answer(result.outcome, status=201, fmt=fmt)
    body = {"graph": result.graph_iri, "added": result.added, **report_json(result.outcome)}
    response = current_app.json.response(body)
    response.status_code = 201
    response.headers["Location"] = resources.local_path(result.graph_iri) or result.graph_iri
    return response


def _authorise(token: str) -> None:
    configured = current_app.config.get("CONTRIBUTION_TOKEN")
    if not configured:
        raise IngestForbidden("ingest over HTTP is disabled on this server (no CONTRIBUTION_TOKEN is configured); "
                              "use POST /contributions/validate to check a contribution, or hrckg ingest")
    if not hmac.compare_digest(token.encode(), str(configured).encode()):
        raise IngestUnauthorized("a valid token is required: send it as 'Authorization: Bearer <token>'")


def _ingest(contribution, data: bytes):
    """Ingest into the on-disk or external store: the Outcome when it does not conform, else an Ingested.

    The write runs in a new process (`hrckg ingest`): RocksDB's background threads do not survive
    the fork that made this worker, so a writable store opened here would wait for them forever
    (and an ingest into an external store then takes the same path)."""
    handle = current_app.extensions["hrckg.store"]
    if handle.location.remote and not handle.location.writable:
        raise IngestConflict("this server reads an external store it was given no update and Graph Store URLs for; "
                             "start it with --sparql-update and --graph-store to ingest")
    if not handle.location.writable:
        raise IngestConflict("this server keeps its store in memory, one copy per worker process, so an ingest "
                             "could not reach them all; start it with an on-disk store: hrckg serve --store PATH")
    outcome = _check(contribution)
    if not outcome.report.conforms:
        return outcome
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"contribution{_SUFFIXES[contribution.format]}"
        path.write_bytes(data)
        try:
            done = subprocess.run([sys.executable, "-m", "hrckg.cli", "ingest", *handle.location.arguments(),
                                   f"--name={contribution.name}", "--format=json", "--", str(path)],
                                  capture_output=True, text=True, timeout=current_app.config["INGEST_TIMEOUT"])
        except subprocess.TimeoutExpired:
            raise ClientError(f"the ingest took more than {current_app.config['INGEST_TIMEOUT']} s and was stopped; "
                              "nothing was applied", status=503, code="ingest_timeout", title="Ingest timed out") from None
    if done.returncode == 1:  # another ingest got there first and this one no longer conforms
        raise IngestConflict("the graph changed while this contribution was being ingested, and it no longer "
                             "conforms; nothing was applied: validate it again")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [""])[-1]
        if "already ingested" in last or "nothing to add" in last:
            raise IngestConflict(last.removeprefix(str(path) + ": "))
        current_app.logger.error("hrckg ingest failed: %s", done.stderr)
        raise ClientError("the ingest failed; nothing was applied (the server log has the details)",
                          status=500, code="ingest_failed", title="Ingest failed")
    applied = json.loads(done.stdout)
    handle.refresh(now=True)  # this process sees it at once; the others on their next request
    return contributions.Ingested(applied["graph"], applied["added"], outcome)


# ---------------------------------------------------------------------------------------------
# The page


@blueprint.get("/contribute")
def contribute_page():
    return answers.html_response(render_template("contribute.html", **page_context(None)))


@blueprint.post("/contribute")
def contribute_form():
    """The page's form: pasted text or an uploaded file, validated (or ingested, with the token)."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data, name = upload.read(current_app.config["MAX_CONTRIBUTION_BYTES"] + 1), upload.filename
    else:
        data, name = request.form.get("text", "").encode("utf-8"), "pasted text"
    media_type = request.form.get("format") or None
    if media_type is None and name == "pasted text":
        media_type = "text/turtle"
    try:
        contribution = _contribution(data, name, media_type)
    except CouldNotValidate as err:
        return answers.html_response(render_template("contribute.html", **page_context(None, error=err,
                                                                                         text=request.form.get("text", ""))))
    ingested = None
    if request.form.get("action") == "ingest":
        try:
            _authorise(request.form.get("token", ""))
            result = _ingest(contribution, data)
        except ClientError as err:
            return answers.html_response(render_template(
                "contribute.html", **page_context(_check(contribution), error=err, text=request.form.get("text", ""))))
        outcome = result if isinstance(result, contributions.Outcome) else result.outcome
        ingested = None if isinstance(result, contributions.Outcome) else result
    else:
        outcome = _check(contribution)
    return answers.html_response(render_template("contribute.html", **page_context(
        outcome, text=request.form.get("text", ""), ingested=ingested)))


def page_context(outcome, error=None, text: str = "", ingested=None) -> dict:
    lang = chosen_language()
    context = {"outcome": outcome, "error": error, "text": text, "ingested": ingested, "formats": contributions.MEDIA_TYPES,
               "ingested_href": resources.local_path(ingested.graph_iri) if ingested else None,
               "max_bytes": current_app.config["MAX_CONTRIBUTION_BYTES"],
               "ingest_enabled": bool(current_app.config.get("CONTRIBUTION_TOKEN")),
               "guide": url_for("guide.guide_page") if "guide" in current_app.blueprints else None}
    if outcome is not None:
        store = current_app.extensions["hrckg.store"].get()
        context["results"] = [_result_view(store, r, lang) for r in outcome.report.results]
        context["diff"] = _diff_view(outcome.diff, store, lang)
    return context


def _result_view(store, result: validation.Result, lang: str) -> dict:
    def term(node):
        if node is None:
            return None
        text = str(node)
        if text.startswith("^<"):
            return {"text": "^" + resources.curie(text[2:-1]), "href": None}
        if hasattr(node, "language") or hasattr(node, "datatype"):
            return {"text": node.n3(), "href": None}
        return {"text": resources.curie(text), "href": resources.link_href(text) if text.startswith("http") else None}

    zh = lang == "zh"
    return {"severity": result.severity, "focus": term(result.focus_node), "path": term(result.path),
            "value": term(result.value), "shape": term(result.source_shape),
            "message": result.message_zh if zh else result.message_en,
            "hint": result.hint_zh if zh else result.hint_en}


def _object_view(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"object": resources.curie(term.value), "href": resources.link_href(term.value)}
    return {"object": contributions.term_text(term), "href": None}


def _diff_view(diff: contributions.Diff, store, lang: str) -> dict:
    def rows(group):
        return [{"resource": {"text": resources.curie(iri), "href": resources.link_href(iri)},
                 "triples": [{"predicate": resources.curie(t.predicate.value), **_object_view(t.object)}
                             for t in sorted(triples, key=contributions.triple_key)]}
                for iri, triples in sorted(group.items())]
    return {"new": rows(diff.new), "touched": rows(diff.touched), "present": diff.present, "added": len(diff.added),
            "linked": [{"text": resources.label(store, ox.NamedNode(iri), lang), "href": resources.link_href(iri),
                        "count": count} for iri, count in sorted(diff.linked.items())]}
