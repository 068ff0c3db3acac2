"""The `hrckg` command: one sub-command per concern, each implemented in its own module."""

import argparse
import sys

from . import __version__


def _build_data(args) -> int:
    from .build_data import build

    for path, count in build():
        print(f"wrote {path} ({count} triples)")
    return 0


def _stats(args) -> int:
    from .stats import print_stats

    return print_stats(args.files or None)


def _validate(args) -> int:
    from .validation import run

    return run(args)


def _serve(args) -> int:
    """Until the endpoint lands, show what would be served: statistics and the validation result."""
    from .stats import print_stats
    from .validation import run

    status = print_stats(None)
    print()
    status |= run(argparse.Namespace(files=[], with_graph=True, format="text"))
    return status


def parser() -> argparse.ArgumentParser:
    from .validation import add_arguments

    top = argparse.ArgumentParser(prog="hrckg", description=__doc__)
    top.add_argument("--version", action="version", version=f"hrckg {__version__}")
    commands = top.add_subparsers(dest="command", required=True)

    commands.add_parser("build-data", help="regenerate data/generated/ from data/sources/").set_defaults(func=_build_data)

    stats = commands.add_parser("stats", help="count resources per class and triples per property")
    stats.add_argument("files", nargs="*", help="RDF files (default: the curated graph)")
    stats.set_defaults(func=_stats)

    validate = commands.add_parser("validate", help="validate RDF files against the SHACL shapes")
    add_arguments(validate)
    validate.set_defaults(func=_validate)

    commands.add_parser("serve", help="load the curated graph and report on it").set_defaults(func=_serve)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
