"""Command line: ``shopdl`` (or ``python -m shopdl_core``) ``train|evaluate|predict|bench TARGET [options]``,
and ``search QUERY...`` (a verb without targets, see ``DIRECT``).

Each system (``recsys``, ``vision``, ``text``, ``load``) owns a ``cli`` module with an
``add_commands(targets)`` function that adds its TARGET parsers under the verbs it supports and
sets ``func`` (a callable taking the parsed args and returning an exit status).

Those modules import torch, pandas or Streamlit's protocol client, which take seconds. So the
table below says which module defines each command, and only the chosen command's module is
imported: ``shopdl --help`` imports none, ``shopdl predict review`` imports the text system
only, and nothing but ``bench app``, ``soak``, ``failover`` and ``startup`` (which serve the app) imports Streamlit.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from shopdl_core.errors import CheckpointError, InputError

VERBS = {
    "train": "train a model and write its checkpoint to assets/models",
    "evaluate": "measure a model or recommender on held-out data",
    "predict": "score images or reviews with a shipped model",
    "bench": "print latency and throughput figures beside a baseline",
}

RECSYS, VISION, TEXT, LOAD, SEARCH = (f"shopdl_core.{system}.cli"
                                      for system in ("recsys", "vision", "text", "load", "search"))
# Verbs without targets: verb -> (the cli module whose add_search_arguments fills its parser, help)
DIRECT = {"search": (SEARCH, "find catalogue products (or photos in a folder) by words, in English or Chinese")}
# verb -> target -> (the cli module that defines it, its line in the verb's list of targets)
COMMANDS: dict[str, dict[str, tuple[str, str]]] = {
    "train": {
        "vision": (VISION, "train an image model on Fashion-MNIST"),
        "text": (TEXT, "train a review sentiment model"),
        "search": (SEARCH, "train the photo-to-text projection of search by words"),
        "colour": ("shopdl_core.vision.colour_namer_train", "fit the colour namer to the photos named by eye"),
    },
    "evaluate": {
        "recsys": (RECSYS, "held-out RMSE, MAE, precision/recall/NDCG@10 of the recommender"),
        "vision": (VISION, "accuracy of an image model on the 10,000 test images"),
        "colour": ("shopdl_core.vision.colour_eval", "the colour reader on the photos whose colour was labelled by eye"),
        "text": (TEXT, "test-split metrics and the 3-star score spread"),
        "explanations": ("shopdl_core.text.faithfulness", "ERASER comprehensiveness of the word shading"),
        "search": (SEARCH, "precision@6 of the search queries over the catalogue or a photo folder"),
    },
    "predict": {
        "image": (VISION, "classify and tag product photos"),
        "review": (TEXT, "score reviews read from stdin, one per line"),
    },
    "bench": {
        "recsys": (RECSYS, "latency of a demo request and of all-user similarity, beside plain Python"),
        "vision": (VISION, "photo latency and batched throughput"),
        "text": (TEXT, "latency of one review and batched throughput"),
        "app": (LOAD, "N concurrent sessions against the app or a proxy; latency, errors, memory"),
        "startup": (LOAD, "cold start: from `streamlit run app.py` to the home page interactive"),
        "soak": (LOAD, "a day of demos: many short sessions come and go; memory over time"),
        "failover": (LOAD, "kill one of 2 app processes behind nginx during a load: what viewers see"),
        "likes": (LOAD, "in Chromium: the time from a like to recommendations that follow it"),
        "lab": ("shopdl_core.lab_cli", "training time of the Model lab's experiments (page defaults)"),
        "gpu": ("shopdl_core.gpu_check", "the GPU check: predictions, training, speed and app tests against the CPU"),
    },
}


def program_name() -> str:
    return "shopdl" if Path(sys.argv[0]).name == "shopdl" else "python -m shopdl_core"


def chosen_command(argv: list[str]) -> tuple[str, str] | None:
    """(verb, target) when ``argv`` names a known one: the first two words, as neither level
    has options before its subcommand other than -h."""
    words = [arg for arg in argv if not arg.startswith("-")][:2]
    if len(words) == 2 and words[1] in COMMANDS.get(words[0], {}):
        return words[0], words[1]
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The full parser for the command ``argv`` names; every other target is a one-line stub.

    ``argv=None`` reads ``sys.argv``. With no command named (``--help``, ``train --help``),
    nothing heavy is imported.
    """
    chosen = chosen_command(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog=program_name(), description="ShopDL: train, evaluate, run and benchmark the demo's models.",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")
    targets = {}
    for verb, help_text in VERBS.items():
        verb_parser = verbs.add_parser(verb, help=help_text, description=help_text)
        targets[verb] = verb_parser.add_subparsers(dest="target", required=True, metavar="TARGET")
    for verb, (module, help_text) in DIRECT.items():
        direct = verbs.add_parser(verb, help=help_text, description=help_text)
        if (sys.argv[1:] if argv is None else argv)[:1] == [verb]:
            importlib.import_module(module).add_search_arguments(direct)
    loaded = None
    if chosen is not None:
        loaded = COMMANDS[chosen[0]][chosen[1]][0]
        importlib.import_module(loaded).add_commands(targets)
    for verb, commands in COMMANDS.items():
        for target, (module, help_text) in commands.items():
            if module != loaded:
                targets[verb].add_parser(target, help=help_text)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (InputError, CheckpointError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
