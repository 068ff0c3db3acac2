"""The `hrckg` command: one sub-command per concern, each implemented in its own module."""

import argparse
import sys

from . import __version__
from .store import add_location_arguments


def _build_data(args) -> int:
    from .build_data import build

    for path, count in build():
        print(f"wrote {path} ({count} triples)")
    return 0


def _stats(args) -> int:
    from .stats import print_stats

    return print_stats(args.files or None)


def _validate(args) -> int:
    from .contribution_cli import run_validate

    return run_validate(args)


def _diff(args) -> int:
    from .contribution_cli import run_diff

    return run_diff(args)


def _ingest(args) -> int:
    from .contribution_cli import run_ingest

    return run_ingest(args)


def _guide(args) -> int:
    from .guide import markdown

    print(markdown(), end="")
    return 0


def _load(args) -> int:
    import time

    from . import loading
    from .graph import LoadError, sources
    from .store import Location, StoreLayoutError

    def load(store):
        if args.files:
            return loading.load_paths(store, args.files, sys.stderr)
        everything = loading.plan(store)
        everything.load = sources()
        return loading.apply(store, everything, sys.stderr)

    started = time.perf_counter()
    try:
        location = Location.from_arguments(args)
        if not location.path and not location.remote:
            raise StoreLayoutError("give the store to load into: --store PATH, or an external store's URLs")
        loaded = location.write(load)
    except (LoadError, StoreLayoutError, ValueError, OSError) as err:
        print(f"hrckg load: error: {err}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    triples = sum(item.triples or 0 for item in loaded)
    print(f"hrckg load: {len(loaded)} files, {triples:,} triples in {seconds:,.1f} s ({triples / seconds:,.0f} triples/s) "
          f"into {location}")
    return 0


def _serve(args) -> int:
    from .app import create_app
    from .serve import run

    config = {"QUERY_PROCESSES": args.threads}  # one query process per thread
    for key, value in (("STORE_PATH", args.store), ("STORE_QUERY_URL", args.sparql_query),
                       ("STORE_UPDATE_URL", args.sparql_update), ("STORE_GRAPH_STORE_URL", args.graph_store),
                       ("QUERY_TIMEOUT", args.timeout), ("MAX_ROWS", args.max_rows),
                       ("SERVICE_ALLOWLIST", tuple(args.allow_service) or None)):
        if value is not None:
            config[key] = value
    try:
        app = create_app(config)
    except (ValueError, OSError) as err:
        print(f"hrckg serve: error: {err}", file=sys.stderr)
        return 2
    location = app.extensions["hrckg.store"].location
    where = f"at {location}" if location.path or location.remote else "in memory"
    print(f"hrckg: serving the store {where}; site at http://{args.host}:{args.port}/, SPARQL endpoint at "
          f"http://{args.host}:{args.port}/sparql ({args.workers} workers x {args.threads} threads; Ctrl-C stops)",
          flush=True)
    run(app, args.host, args.port, args.workers, args.threads, access_log=args.access_log)
    return 0


def _add_serve_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8080, help="port (default: %(default)s)")
    serve.add_argument("--workers", type=int, default=2, help="worker processes (default: %(default)s)")
    serve.add_argument("--threads", type=int, default=4,
                       help="concurrent requests per worker, each with its own query process (default: %(default)s)")
    add_location_arguments(serve, "keep the store on disk at PATH (default: in memory)")
    serve.add_argument("--timeout", type=float, help="seconds before a query is stopped (default: 30)")
    serve.add_argument("--max-rows", type=int, help="rows or triples per answer (default: 10000)")
    serve.add_argument("--allow-service", action="append", default=[], metavar="PREFIX",
                       help="let SERVICE call endpoints whose IRI starts with PREFIX (repeatable; default: none)")
    serve.add_argument("--access-log", action="store_true", help="log every request to standard output")


# validation.FORMATS, named here so that building the parser does not import pyshacl (a test checks they agree).
REPORT_FORMATS = ("text", "json", "turtle")


def _add_validate_arguments(parser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILES",
                        help="contribution files, validated together merged with the graph (default: validate the whole graph)")
    parser.add_argument("--all", action="store_true",
                        help="validate the whole graph merged with the files, not only what they add or touch")
    parser.add_argument("--with-graph", dest="all", action="store_true", help=argparse.SUPPRESS)  # its old name
    parser.add_argument("--alone", action="store_true",
                        help="validate the files by themselves, without the graph (links to existing resources dangle)")
    parser.add_argument("--format", choices=REPORT_FORMATS, default="text", help="report format (default: text)")
    add_location_arguments(parser, "the on-disk store to check against (default: the curated graph, loaded in memory)")


def _add_diff_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="the contribution (Turtle, TriG, N-Triples or JSON-LD)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    add_location_arguments(parser, "the on-disk store to check against (default: the curated graph, loaded in memory)")


def _add_ingest_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="the contribution (Turtle, TriG, N-Triples or JSON-LD)")
    add_location_arguments(parser, "the on-disk store to add it to")
    parser.add_argument("--name", help="the file name to record in the provenance (default: FILE's own name)")
    parser.add_argument("--format", choices=REPORT_FORMATS, default="text",
                        help="output: the report if refused, and with json a summary if applied (default: text)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="hrckg", description=__doc__)
    top.add_argument("--version", action="version", version=f"hrckg {__version__}")
    commands = top.add_subparsers(dest="command", required=True)

    commands.add_parser("build-data", help="regenerate data/generated/ from data/sources/").set_defaults(func=_build_data)

    stats = commands.add_parser("stats", help="count resources per class and triples per property")
    stats.add_argument("files", nargs="*", help="RDF files (default: the curated graph)")
    stats.set_defaults(func=_stats)

    validate = commands.add_parser("validate", help="validate a contribution merged with the graph, or the whole graph")
    _add_validate_arguments(validate)
    validate.set_defaults(func=_validate)

    diff = commands.add_parser("diff", help="show what a contribution would add: new resources, resources touched, triples")
    _add_diff_arguments(diff)
    diff.set_defaults(func=_diff)

    ingest = commands.add_parser("ingest", help="validate a contribution and add it to an on-disk store, all or nothing")
    _add_ingest_arguments(ingest)
    ingest.set_defaults(func=_ingest)

    commands.add_parser("guide", help="print the contributor guide (Markdown), generated from the shapes; "
                        "shapes/GUIDE.md is its output").set_defaults(func=_guide)

    load = commands.add_parser("load", help="bulk-load RDF files into a store, each into its own named graph")
    add_location_arguments(load, "the on-disk store directory (created if missing)")
    load.add_argument("files", nargs="*", metavar="FILE",
                      help="RDF files, optionally gzipped (default: every file of ontology/, data/ and shapes/); "
                           "a project file goes into its own graph, any other into graph/load/NAME")
    load.set_defaults(func=_load)

    serve = commands.add_parser("serve", help="serve the graph: SPARQL endpoint and descriptions over HTTP")
    _add_serve_arguments(serve)
    serve.set_defaults(func=_serve)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
