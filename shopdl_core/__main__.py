"""Command line: ``python -m shopdl_core train|evaluate|predict|bench TARGET [options]``.

Each system (``recsys``, ``vision``, ``text``, ``load``) owns a ``cli`` module with an
``add_commands(targets)`` function that adds its TARGET parsers under the verbs it supports and
sets ``func`` (a callable taking the parsed args and returning an exit status).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import shopdl_core
from shopdl_core.errors import CheckpointError, InputError

VERBS = {
    "train": "train a model and write its checkpoint to assets/models",
    "evaluate": "measure a model or recommender on held-out data",
    "predict": "score images or reviews with a shipped model",
    "bench": "print latency and throughput figures beside a baseline",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m shopdl_core",
        description="ShopDL: train, evaluate, run and benchmark the demo's models.",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")
    targets = {}
    for verb, help_text in VERBS.items():
        verb_parser = verbs.add_parser(verb, help=help_text, description=help_text)
        targets[verb] = verb_parser.add_subparsers(dest="target", required=True, metavar="TARGET")
    for module in pkgutil.iter_modules(shopdl_core.__path__):
        if module.ispkg and module.name != "ui":
            try:
                cli = importlib.import_module(f"shopdl_core.{module.name}.cli")
            except ModuleNotFoundError as exc:
                if exc.name != f"shopdl_core.{module.name}.cli":
                    raise
                continue
            cli.add_commands(targets)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (InputError, CheckpointError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
