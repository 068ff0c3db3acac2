"""The query workbench: a SPARQL editor (YASGUI, vendored under static/vendor/) over our own /sparql,
with the curated queries of queries/ one click away, and the JSON it needs from this server.

A shareable link is /query?query=<the text>; /query?example=<name> opens a gallery query. Nothing is
kept in the browser's storage, so a link always shows what it says."""

import base64
import hashlib
import re
from dataclasses import asdict, dataclass

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from . import graph
from .identifiers import BASE
from .namespaces import PREFIXES
from .query_text import service_targets

blueprint = Blueprint("workbench", __name__)

# Shown when the page is opened without a query: small, fast, and it shows how our IRIs link.
DEFAULT_EXAMPLE = "draft-sponsors"

_FIELD = re.compile(r"#\s?([a-z]+):\s*(.*?)\s*$")
_CONTINUATION = re.compile(r"#\s{2,}(\S.*?)\s*$")  # an indented comment line goes on with the field above


@dataclass(frozen=True)
class GalleryQuery:
    """One file of queries/: its name (the path under queries/ without .rq), header and text."""

    name: str
    title: str
    description: str
    query: str
    federated: bool
    check: bool  # a *-violation.rq quality check, which must return no rows


def header_fields(text: str) -> dict[str, str]:
    """The `# key: value` lines the file opens with (see queries/README.md); an indented comment line
    continues the field before it."""
    fields: dict[str, str] = {}
    last = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        more = _CONTINUATION.match(line)
        if more and last:
            fields[last] = f"{fields[last]} {more.group(1)}".strip()
            continue
        match = _FIELD.match(line)
        if match and match.group(1) not in fields:
            last = match.group(1)
            fields[last] = match.group(2)
        else:
            last = None
    return fields


def without_checked_note(text: str) -> str:
    """The query as the editor shows it: the `# checked:` note (how the expected rows were verified
    against the sources, for maintainers) is left out, so the query itself is in view and links stay short."""
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("# checked:"):
            skipping = True
            continue
        if skipping and _CONTINUATION.match(line):
            continue
        skipping = False
        kept.append(line)
    return "".join(kept)


def _read(path, name: str, federated: bool) -> GalleryQuery:
    text = path.read_text(encoding="utf-8")
    fields = header_fields(text)
    return GalleryQuery(name=name, title=fields.get("title") or name, description=fields.get("description", ""),
                        query=without_checked_note(text), federated=federated, check=name.endswith("-violation"))


def gallery() -> list[GalleryQuery]:
    """Every curated query: queries/*.rq by name, then queries/federated/*.rq. Read on each call, so
    an edited file shows at once; they are a few dozen small files."""
    folder = graph.QUERIES_DIR
    found = [_read(path, path.stem, False) for path in sorted(folder.glob("*.rq"))]
    found += [_read(path, f"federated/{path.stem}", True) for path in sorted((folder / "federated").glob("*.rq"))]
    return found


def service_allowed(query: str) -> bool:
    """Whether this server would run the query's SERVICE calls (see the SERVICE_ALLOWLIST setting)."""
    allowed = current_app.config["SERVICE_ALLOWLIST"]
    return all(target is not None and any(target.startswith(prefix) for prefix in allowed)
               for target in service_targets(query))


def _public(item: GalleryQuery) -> dict:
    fields = asdict(item)
    del fields["check"]
    return fields


@blueprint.route("/query")
def workbench():
    """The editor page. The gallery is rendered here too, so it reads (and its links work) without scripts."""
    items = gallery()
    by_name = {item.name: item for item in items}
    text, current = request.args.get("query"), None
    if text is None:
        current = by_name.get(request.args.get("example", DEFAULT_EXAMPLE)) or by_name.get(DEFAULT_EXAMPLE)
        text = current.query if current else ""
    response = Response(render_template(
        "workbench.html",
        query_text=text,
        current=current,
        from_link="query" in request.args or "example" in request.args,
        examples=[item for item in items if not item.check and not item.federated],
        federated=[item for item in items if item.federated],
        checks=[item for item in items if item.check],
        runs_here={item.name: service_allowed(item.query) for item in items if item.federated},
        namespace=BASE,
    ))
    response.headers["Content-Security-Policy"] = content_security_policy()
    return response


# The styles YASGUI's bundle writes into the page itself, allowed by their hashes so that no other
# inline style can apply ('unsafe-inline' is never needed). The results table's column resizer adds
# a stylesheet when it draws (without it the table overflows and the columns cannot be resized) and
# another while a column is dragged; the editor's syntax-error tooltip underlines with a style
# attribute. tests/test_workbench.py checks that the vendored bundle still holds these exact texts.
COLUMN_RESIZER_CSS = (
    " .grip-resizable{table-layout:fixed;} .grip-resizable > tbody > tr > td, .grip-resizable > tbody > tr > th"
    "{overflow:hidden} .grip-padding > tbody > tr > td, .grip-padding > tbody > tr > th{padding-left:0!important;"
    " padding-right:0!important;} .grip-container{ height:0px; position:relative;} .grip-handle{margin-left:-5px;"
    " position:absolute; z-index:5; } .grip-handle .grip-resizable{position:absolute;background-color:red;"
    "filter:alpha(opacity=1);opacity:0;width:10px;height:100%;cursor: col-resize;top:0px} .grip-lastgrip"
    "{position:absolute; width:1px; } .grip-drag{ border-left:1px dotted black;\t} .grip-flex{width:auto!important;}"
    " .grip-handle.grip-disabledgrip .grip-resizable{cursor:default; display:none;}")
COLUMN_DRAG_CSS = "*{cursor:col-resize!important}"
INLINE_STYLESHEETS = (COLUMN_RESIZER_CSS, COLUMN_DRAG_CSS)
INLINE_STYLE_ATTRIBUTES = ("text-decoration:underline",)


def style_hash(css: str) -> str:
    """A CSP source expression allowing exactly this inline style text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy() -> str:
    """The app's policy with only style-src widened to the styles above, by hash: scripts stay this
    server's files only."""
    from .app import CONTENT_SECURITY_POLICY  # imported here: the app imports this module

    strict = "style-src 'self';"
    if strict not in CONTENT_SECURITY_POLICY:
        raise RuntimeError(f"the app's policy has no {strict!r} for the workbench to widen")
    hashes = " ".join(map(style_hash, INLINE_STYLESHEETS + INLINE_STYLE_ATTRIBUTES))
    return CONTENT_SECURITY_POLICY.replace(strict, f"style-src 'self' 'unsafe-hashes' {hashes};")


@blueprint.route("/query/gallery.json")
def gallery_json():
    """The example and federated queries as [{"name", "title", "description", "query", "federated"}]."""
    return jsonify([_public(item) for item in gallery() if not item.check])


@blueprint.route("/query/gallery/<path:name>.rq")
def gallery_file(name: str):
    """One curated query as a SPARQL file (quality checks too): what the page's Run buttons load."""
    item = next((item for item in gallery() if item.name == name), None)
    if item is None:
        abort(404)
    return Response(item.query, content_type="application/sparql-query; charset=utf-8")


@blueprint.route("/query/prefixes.json")
def prefixes_json():
    """Our prefixes as {"prefix": "namespace IRI"}: what the editor completes after PREFIX and adds
    when a query uses a prefix it has not declared (YASQE's prefixCcApi)."""
    response = jsonify(dict(sorted(PREFIXES.items())))
    response.cache_control.max_age = 3600
    return response
