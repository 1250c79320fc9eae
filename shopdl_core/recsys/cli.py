"""``python -m shopdl_core evaluate recsys`` and ``python -m shopdl_core bench recsys``."""

from __future__ import annotations

import argparse
import json

from shopdl_core import catalog
from shopdl_core.errors import InputError
from shopdl_core.recsys.bench import bench_all_users, bench_demo_request
from shopdl_core.recsys.collaborative import DEFAULT_K
from shopdl_core.recsys.content import catalog_item_features
from shopdl_core.recsys.datasets import kfold_splits, movielens_shaped, synthetic_shop
from shopdl_core.recsys.evaluation import evaluate_folds
from shopdl_core.recsys.metrics import RELEVANT_RATING
from shopdl_core.recsys.movielens import read_movielens
from shopdl_core.recsys.ratings import RatingMatrix
from shopdl_core.recsys.recommenders import RECOMMENDERS
from shopdl_core.recsys.similarity import DEFAULT_SHRINKAGE, SIMILARITIES

SYNTHETIC = ("shop", "movielens-shape")


def _folds_and_features(args: argparse.Namespace) -> tuple[list, object, str]:
    if args.movielens:
        data = read_movielens(args.movielens, args.folds)
        source = f"MovieLens at {args.movielens} ({'official u1..u5' if data.official_folds else 'seeded'} folds)"
        return data.folds, data.item_features, source
    if args.synthetic == "movielens-shape":
        return list(kfold_splits(movielens_shaped(), args.folds)), None, "synthetic MovieLens-shaped 943 x 1682"
    shop = synthetic_shop(catalog.load_catalog())
    return list(kfold_splits(shop.ratings, args.folds)), shop.item_features, "synthetic shop"


def run_evaluate(args: argparse.Namespace) -> int:
    if args.folds < 2:
        raise InputError(f"--folds must be at least 2, not {args.folds}.")
    folds, features, source = _folds_and_features(args)
    report = evaluate_folds(folds, method=args.method, alpha=args.alpha, k=args.k,
                            similarity=args.similarity, shrinkage=args.shrinkage, item_features=features)
    if args.json:
        print(json.dumps(report.as_dict()))  # undefined ranking metrics are null
        return 0
    entry = RECOMMENDERS[args.method]
    settings = {"k": f"k={args.k}", "similarity": args.similarity, "shrinkage": f"shrinkage {args.shrinkage:g}",
                "alpha": f"alpha {args.alpha:g}"}
    used = ", ".join(text for name, text in settings.items() if name in entry.uses)
    print(f"{args.method}{f' ({used})' if used else ''} on {source}, {report.folds} folds:\n  {entry.help}")
    for name, value in report.as_dict().items():
        if value is None:
            value = f"undefined: no held-out product rated {RELEVANT_RATING:g} or more in any fold"
        print(f"  {name:16s} {value:.4f}" if isinstance(value, float) else f"  {name:16s} {value}")
    if 0 < report.ranked_folds < report.folds:
        print(f"  (ranking metrics over the {report.ranked_folds} folds with a held-out product "
              f"rated {RELEVANT_RATING:g} or more)")
    return 0


def run_bench(args: argparse.Namespace) -> int:
    demo = catalog.load_demo_ratings()
    matrix = RatingMatrix(tuple(demo.index), tuple(demo.columns), demo.fillna(0.0).to_numpy())
    features = catalog_item_features(catalog.load_catalog(), matrix.product_ids)
    timings = [bench_demo_request(matrix, features, args.repeats)]
    timings += [bench_all_users(kind, baseline_users=args.baseline_users) for kind in SIMILARITIES]
    for timing in timings:
        print(f"{timing.label}\n  ShopDL median {timing.median_s * 1000:.2f} ms · plain Python "
              f"{timing.baseline_s * 1000:.1f} ms · ratio plain/ShopDL {timing.speedup:.2f}x")
        if timing.note:
            print(f"  ({timing.note})")
    return 0


def add_commands(targets: dict) -> None:
    evaluate = targets["evaluate"].add_parser(
        "recsys", help="held-out RMSE, MAE, precision/recall/NDCG@10 of the recommender",
        description="Evaluate the recommender over k folds; prints RMSE, MAE, precision@10, recall@10, "
                    "NDCG@10 and the seconds spent fitting and predicting.")
    evaluate.add_argument("--movielens", metavar="DIR", help="MovieLens-100k folder (u.data, u1.base..u5.test, u.item)")
    evaluate.add_argument("--synthetic", choices=SYNTHETIC, default="shop",
                          help="data to use without --movielens (default: shop)")
    evaluate.add_argument("--folds", type=int, default=5)
    evaluate.add_argument("--method", choices=tuple(RECOMMENDERS), default="cf",
                          help="; ".join(f"{name}: {entry.label.lower()}" for name, entry in RECOMMENDERS.items())
                          + " (each ignores the settings it does not use)")
    evaluate.add_argument("--alpha", type=float, default=0.5, help="hybrid weight of collaborative filtering")
    evaluate.add_argument("--k", type=int, default=DEFAULT_K, help="neighbours per prediction")
    evaluate.add_argument("--similarity", choices=SIMILARITIES, default="pearson")
    evaluate.add_argument("--shrinkage", type=float, default=DEFAULT_SHRINKAGE)
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(func=run_evaluate)

    bench = targets["bench"].add_parser(
        "recsys", help="latency of a demo request and of all-user similarity, beside plain Python")
    bench.add_argument("--repeats", type=int, default=200, help="timed runs of the demo request")
    bench.add_argument("--baseline-users", type=int, default=20,
                       help="shoppers the plain-Python all-users baseline is timed on, then scaled")
    bench.set_defaults(func=run_bench)
