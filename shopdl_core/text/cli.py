"""``train text``, ``evaluate text``, ``predict review`` and ``bench text``."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace

import torch

from shopdl_core import config, registry
from shopdl_core.device import describe_device, pick_device
from shopdl_core.errors import InputError
from shopdl_core.text.data import load_splits
from shopdl_core.text.encoder.evaluate import print_multilingual
from shopdl_core.text.model import CELLS
from shopdl_core.text.ood import OOD_SPLITS
from shopdl_core.text.predict import SentimentModel, load_sentiment_model
from shopdl_core.text.recipe import save_text_model, train_text_model
from shopdl_core.text.train import TextTrainConfig
from shopdl_core.text.written import load_written_reviews, written_dir
from shopdl_core.training import EpochReport

BENCH_SINGLE_RUNS = 200
BENCH_REFERENCE = "AttentionRNN"  # bench text's ratios are to it: the recurrent model the review page shows beside e5
ALL_CHOICES = registry.cli_choices("text")  # --model value -> model name: the recurrent models and the multilingual one
# what `train text` trains (the multilingual model has its own script: text/encoder/sentiment_train.py)
MODEL_CHOICES = {cli: name for cli, name in ALL_CHOICES.items() if not registry.get_model_entry(name).pretrained_encoder}


def add_commands(targets: dict) -> None:
    train = targets["train"].add_parser("text", help="train a review sentiment model (ReviewRNN or AttentionRNN)")
    train.add_argument("--model", choices=sorted(MODEL_CHOICES), default="attention")
    train.add_argument("--epochs", type=int, default=TextTrainConfig.epochs)
    train.add_argument("--cell", choices=sorted(CELLS), default="gru",
                       help="recurrent cell (gru was best on validation; see the README)")
    train.add_argument("--seed", type=int, default=config.SEED,
                       help="seeds the training: initial weights, batch order, extra examples")
    train.add_argument("--split-seed", type=int, default=config.SEED,
                       help="seeds the train/validation/test split (keep it to compare runs on one test split)")
    train.add_argument("--device", default=None, help="cpu, cuda or mps (default: SHOPDL_DEVICE, else best)")
    train.add_argument("--output", default=None, help="checkpoint path (default: the shipped one in assets/models)")
    train.add_argument("--threads", type=int, default=None, help="CPU threads for torch (default: torch's)")
    ablations = train.add_argument_group(
        "ablations: each turns off one part of the shipped recipe (README: Review sentiment); the levers "
        "measured and not kept are in experiments/README.md")
    switch = argparse.BooleanOptionalAction
    ablations.add_argument("--vectors", dest="word_vectors", action=switch, default=TextTrainConfig.word_vectors,
                           help="GloVe vectors and an extended vocabulary (--no-vectors: the clothing-only baseline)")
    ablations.add_argument("--valence", dest="valence_feature", action=switch,
                           default=TextTrainConfig.valence_feature, help="each word's lexicon valence as an input feature")
    ablations.add_argument("--aux-weight", type=float, default=TextTrainConfig.aux_weight,
                           help="weight of the auxiliary lexicon-valence loss (0: off)")
    ablations.add_argument("--contrast-share", type=float, default=TextTrainConfig.contrast_share,
                           help="made-up 'X, but Y' examples per training review")
    ablations.add_argument("--negation", dest="negation_scope", action=switch, default=TextTrainConfig.negation_scope,
                           help="mark negation scope and reverse the valence feature inside it")
    ablations.add_argument("--lexicon-examples", action=switch, default=TextTrainConfig.lexicon_examples,
                           help="lexicon words, alone and negated, as extra labelled examples")
    train.set_defaults(func=run_train)

    evaluate = targets["evaluate"].add_parser("text", help="test-split metrics and the 3-star score spread")
    evaluate.add_argument("--model", choices=[*sorted(ALL_CHOICES), "both"], default="both",
                          help="both: the two recurrent models")
    evaluate.add_argument("--device", default=None)
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--ood", choices=OOD_SPLITS, default=None,
                          help="also score the out-of-domain reviews (dev, heldout or all)")
    evaluate.set_defaults(func=run_evaluate)

    predict = targets["predict"].add_parser("review", help="score reviews read from stdin, one per line")
    predict.add_argument("--model", choices=sorted(ALL_CHOICES), default=registry.default_cli_choice("text"))
    predict.add_argument("--device", default=None)
    predict.add_argument("--json", action="store_true", help="one JSON line per review")
    predict.set_defaults(func=run_predict)

    bench = targets["bench"].add_parser("text", help="latency of one review and batched throughput")
    bench.add_argument("--device", default=None, help="default: the CPU, and CUDA too where present")
    bench.add_argument("--threads", type=int, default=1,
                       help="CPU threads for torch (default 1: the latency goal is on one thread)")
    bench.add_argument("--batch-reviews", type=int, default=None,
                       help="throughput over the first N test reviews (default: all of them)")
    bench.set_defaults(func=run_bench)


def _model_names(choice: str) -> list[str]:
    return list(MODEL_CHOICES.values()) if choice == "both" else [ALL_CHOICES[choice]]


def _print_epoch(report: EpochReport) -> None:
    mark = " *" if report.improved else ""
    print(f"epoch {report.epoch}/{report.epochs}  train loss {report.train_loss:.4f}  "
          f"val loss {report.validation_loss:.4f}  val balanced acc {report.validation_accuracy:.4f}  "
          f"val macro-F1 {report.extra['val_macro_f1']:.4f}  {report.seconds:.0f}s{mark}", flush=True)


def run_train(args: argparse.Namespace) -> int:
    if args.epochs < 1:
        raise InputError("--epochs must be at least 1.")
    device = pick_device(args.device)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    name = MODEL_CHOICES[args.model]
    settings = replace(registry.default_training(name), epochs=args.epochs, seed=args.seed,
                       split_seed=args.split_seed, word_vectors=args.word_vectors,
                       valence_feature=args.valence_feature, aux_weight=args.aux_weight,
                       contrast_share=args.contrast_share, negation_scope=args.negation_scope,
                       lexicon_examples=args.lexicon_examples)
    print(f"Training {name} ({args.cell}) on {describe_device(device)}", flush=True)
    trained = train_text_model(name, settings, device, {"cell": args.cell}, on_epoch=_print_epoch)
    path = save_text_model(trained, name, args.output)
    test, calibration = trained.metrics["test"], trained.metrics["calibration"]
    print(f"{trained.history.seconds:.0f}s of training; test accuracy "
          f"{test['accuracy']:.4f}, balanced accuracy {test['balanced_accuracy']:.4f}, "
          f"macro-F1 {test['macro_f1']:.4f}; temperature {calibration['temperature']:.3f}, test ECE "
          f"{calibration['test_ece_before']:.4f} -> {calibration['test_ece_after']:.4f}\nwrote {path}")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    device = pick_device(args.device)
    report = {name: registry.evaluate(name, device, ood=args.ood) for name in _model_names(args.model)}
    if args.json:
        print(json.dumps(report))
        return 0
    for name, result in report.items():
        if "chinese_heldout" in result:
            print_multilingual(name, result)
            continue
        test, mixed = result["test"], result["mixed_3_star"]
        print(f"{name}: accuracy {test['accuracy']:.4f}  balanced accuracy {test['balanced_accuracy']:.4f}  "
              f"macro-F1 {test['macro_f1']:.4f}  confusion [[TN FP] [FN TP]] {test['confusion_matrix']}")
        spread = ", ".join(f"{b}: {s:.0%}" for b, s in zip(mixed["bins"], mixed["share"]))
        print(f"  3-star reviews (n={mixed['n']}): P(positive) {spread}; "
              f"{mixed['share_predicted_positive']:.0%} called positive; test ECE {test['ece']:.4f}")
        if args.ood:
            ood = result["out_of_domain"]
            domains = ", ".join(f"{d} {a:.2f}" for d, a in ood["by_domain"].items())
            kinds = ", ".join(f"{k} {a:.2f}" for k, a in ood["by_kind"].items())
            print(f"  out of domain ({args.ood}, n={ood['n']}): accuracy {ood['accuracy']:.4f}, "
                  f"{ood['accuracy_without_sarcasm']:.4f} without sarcasm\n    by domain: {domains}\n"
                  f"    by kind: {kinds}")
    return 0


def run_predict(args: argparse.Namespace) -> int:
    scorer = load_sentiment_model(ALL_CHOICES[args.model], pick_device(args.device))
    failures = 0
    for number, line in enumerate(sys.stdin, start=1):
        text = line.rstrip("\r\n")
        try:
            result = scorer.score(text)
        except InputError as exc:
            failures += 1
            print(json.dumps({"line": number, "error": str(exc)}) if args.json
                  else f"line {number}: error: {exc}", flush=True)
            continue
        if args.json:
            print(json.dumps({"line": number, **result.to_dict()}, ensure_ascii=False), flush=True)
        else:
            print(f"line {number}: {result.label} (P(positive) {result.prob_positive:.3f}, "
                  f"{result.unknown_share:.0%} unknown words)", flush=True)
    return 1 if failures else 0


def _bench_one(scorer: SentimentModel, reviews: list[str], batch_reviews: int | None = None) -> dict:
    """Latency of one review end to end (wall and this thread's CPU time, medians) and batched
    throughput. The CPU time is what to compare on a machine others share: it leaves out the time
    the thread waited for a core."""
    for text in reviews[:20]:  # warm-up: first calls allocate and pick kernels
        scorer.score(text)
    latencies, cpu_times = [], []
    for text in reviews[:BENCH_SINGLE_RUNS]:
        start, cpu_start = time.perf_counter(), time.thread_time()
        scorer.score(text)
        if scorer.device.type == "cuda":
            torch.cuda.synchronize()
        latencies.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.thread_time() - cpu_start) * 1000)
    batch = reviews[:batch_reviews]
    start = time.perf_counter()
    scorer.score_many(batch, batch_size=256)
    seconds = time.perf_counter() - start
    return {"median_ms": statistics.median(latencies), "p90_ms": statistics.quantiles(latencies, n=10)[-1],
            "cpu_median_ms": statistics.median(cpu_times),
            "throughput_per_s": len(batch) / seconds, "batch_reviews": len(batch)}


def run_bench(args: argparse.Namespace) -> int:
    if args.threads < 1 or (args.batch_reviews is not None and args.batch_reviews < 1):
        raise InputError("--threads and --batch-reviews must be at least 1.")
    devices = [pick_device(args.device)] if args.device else [torch.device("cpu")]
    if args.device is None and torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    review_sets = {"en": list(load_splits().test["text"]),
                   "zh": list(load_written_reviews(written_dir("zh-heldout"))["text"])}
    print(f"latency = one review end to end (tokenise, forward, attention), median of {BENCH_SINGLE_RUNS}: "
          f"wall, and cpu = this thread's CPU time (what to compare on a shared machine); en = the "
          f"{len(review_sets['en'])} clothing test reviews, zh = the {len(review_sets['zh'])} Chinese held-out "
          "reviews (MultilingualE5 only: the recurrent models read English); throughput in batches of 256. "
          f"Ratios are to {BENCH_REFERENCE}'s English cpu median. torch threads: {args.threads}.")
    default_threads = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    try:
        for device in devices:
            reference = None
            for name in sorted(ALL_CHOICES.values(), key=lambda n: n != BENCH_REFERENCE):  # the reference first
                scorer = load_sentiment_model(name, device)
                multilingual = registry.get_model_entry(name).pretrained_encoder  # e5 reads Chinese too
                languages = ("en", "zh") if multilingual else ("en",)
                for language in languages:
                    figures = _bench_one(scorer, review_sets[language], args.batch_reviews)
                    reference = reference or figures["cpu_median_ms"]
                    ratio = figures["cpu_median_ms"] / reference
                    print(f"{describe_device(device):24s} {name:14s} {language}  median {figures['median_ms']:7.2f} ms  "
                          f"cpu {figures['cpu_median_ms']:7.2f} ms ({ratio:5.1f}x)  p90 {figures['p90_ms']:7.2f} ms  "
                          f"throughput {figures['throughput_per_s']:7.0f} reviews/s ({figures['batch_reviews']})",
                          flush=True)
    finally:
        torch.set_num_threads(default_threads)
    return 0
