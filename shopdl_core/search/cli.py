"""``search QUERY...``, ``train search`` and ``evaluate search``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from shopdl_core.errors import InputError
from shopdl_core.search.engine import DEFAULT_TOP_K


def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("queries", nargs="+", metavar="QUERY", help="e.g. 'a red summer dress' 运动鞋")
    parser.add_argument("--photos", type=Path, default=None,
                        help="search every photo under this folder (recursively) instead of the catalogue")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP_K, help="results per query")
    parser.add_argument("--json", action="store_true", help="one JSON line per query")
    parser.set_defaults(func=run_search)


def add_commands(targets: dict) -> None:
    from shopdl_core.search.train import SearchTrainConfig

    train = targets["train"].add_parser("search", help="train the photo-to-text projection of search by words")
    train.add_argument("--photos", type=Path, default=None, help="the clothing photos' train folder (needed)")
    train.add_argument("--epochs", type=int, default=SearchTrainConfig.epochs)
    train.add_argument("--cache", type=Path, default=None, help="keep photo and caption embeddings here")
    train.add_argument("--output", type=Path, default=None, help="checkpoint path (default: assets/models)")
    train.add_argument("--words-only", action="store_true",
                       help="keep the shipped projection; store the kind reader's word vectors (after a change of "
                            "the word table)")
    train.set_defaults(func=run_train)
    evaluate = targets["evaluate"].add_parser("search", help="precision@6 of the query set")
    evaluate.add_argument("--split", choices=("dev", "heldout"), default="heldout")
    evaluate.add_argument("--photos", type=Path, default=None,
                          help="a folder of class sub-folders (default: the catalogue)")
    evaluate.set_defaults(func=run_evaluate)


def run_search(args: argparse.Namespace) -> int:
    from shopdl_core.search.engine import check_query, folder_search, load_catalogue_search

    for query in args.queries:
        check_query(query)  # before the models load
    if args.photos is None:
        engine, key = load_catalogue_search(), "product_id"
    else:
        engine, skipped = folder_search(args.photos)
        key = "file"
        for note in skipped:
            print(note, file=sys.stderr)
    for result in engine.search_many(args.queries, args.top):
        rows = [{key: name, "score": round(score, 4), "label": label}
                for name, score, label in zip(result.names, result.scores, result.labels)]
        if args.json:
            print(json.dumps({"query": result.query, "results": rows}, ensure_ascii=False))
        else:
            print(result.query)
            for row in rows:
                print(f"  {row['score']:.3f}  {row['label']:<10}  {row[key]}")
    return 0


def run_train(args: argparse.Namespace) -> int:
    import torch

    from shopdl_core.search.captions import all_captions
    from shopdl_core.search.kinds import KindReader
    from shopdl_core.search.projection import ProjectionConfig
    from shopdl_core.search.queries import load_queries
    from shopdl_core.search.train import (SearchTrainConfig, labelled_photos, save_projection, store_kind_words,
                                          text_vectors, train_projection)
    from shopdl_core.text.encoder import load_text_encoder
    from shopdl_core.vision.trained import load_trained_model

    if args.words_only:
        path = store_kind_words(load_text_encoder("cpu"), args.output)
        print(f"stored the kind words' vectors in {path}")
        return 0
    if args.photos is None:
        raise InputError("Give the clothing photos' train folder: train search --photos DIR.")
    trained = load_trained_model("PhotoCNN", torch.device("cpu"))
    photos = labelled_photos(trained, args.photos, args.cache)
    encoder = load_text_encoder("cpu")
    captions = all_captions()
    caption_vectors = text_vectors(encoder, [c.text for c in captions], args.cache)
    dev_vectors = text_vectors(encoder, list(load_queries("dev")["query"]), args.cache)
    train_config = SearchTrainConfig(epochs=args.epochs)
    model, report = train_projection(
        photos, captions, caption_vectors, dev_vectors, ProjectionConfig(), train_config,
        on_epoch=lambda r: print(f"epoch {r['epoch']:3d}  loss {r['loss']:.4f}  dev p@6 en "
                                 f"{r['dev_precision']['en']:.3f} zh {r['dev_precision']['zh']:.3f}  "
                                 f"T {r['temperature']:.4f}", flush=True))
    path = save_projection(model, KindReader.from_captions(captions, caption_vectors), report, photos, captions,
                           train_config, args.output)
    print(f"kept epoch {report['chosen_epoch']}; wrote {path}")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from shopdl_core.search.evaluate import run

    print(json.dumps(run(args.split, args.photos), ensure_ascii=False, indent=2))
    return 0
