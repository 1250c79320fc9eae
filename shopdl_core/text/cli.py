"""``train text``, ``evaluate text``, ``predict review`` and ``bench text``."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import torch

from shopdl_core import config, registry
from shopdl_core.device import describe_device, pick_device
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.text.data import data_fingerprint, load_splits
from shopdl_core.text.encoder.evaluate import evaluate_multilingual, print_multilingual
from shopdl_core.text.model import CELLS
from shopdl_core.text.ood import OOD_SPLITS, evaluate_ood, load_ood_reviews
from shopdl_core.text.predict import SentimentModel, load_sentiment_model
from shopdl_core.text.train import (MODEL_CHOICES, EpochReport, TrainConfig, evaluate_splits,
                                    save_text_model, train_text_model)

BENCH_SINGLE_RUNS = 200
ALL_CHOICES = registry.cli_choices("text")  # the recurrent models and the multilingual one


def add_commands(targets: dict) -> None:
    train = targets["train"].add_parser("text", help="train a review sentiment model (ReviewRNN or AttentionRNN)")
    train.add_argument("--model", choices=sorted(MODEL_CHOICES), default="attention")
    train.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    train.add_argument("--cell", choices=sorted(CELLS), default="gru",
                       help="recurrent cell (gru was best on validation; see the README)")
    train.add_argument("--seed", type=int, default=config.SEED,
                       help="seeds the training: initial weights, batch order, extra examples")
    train.add_argument("--split-seed", type=int, default=config.SEED,
                       help="seeds the train/validation/test split (keep it to compare runs on one test split)")
    train.add_argument("--device", default=None, help="cpu, cuda or mps (default: SHOPDL_DEVICE, else best)")
    train.add_argument("--output", default=None, help="checkpoint path (default: the shipped one in assets/models)")
    levers = train.add_argument_group("levers for reviews of other things (README: Review sentiment)")
    switch = argparse.BooleanOptionalAction
    levers.add_argument("--vectors", dest="word_vectors", action=switch, default=TrainConfig.word_vectors,
                        help="GloVe vectors and an extended vocabulary (--no-vectors: the clothing-only baseline)")
    levers.add_argument("--valence", dest="valence_feature", action=switch, default=TrainConfig.valence_feature,
                        help="each word's lexicon valence as an input feature")
    levers.add_argument("--aux-weight", type=float, default=TrainConfig.aux_weight,
                        help="weight of the auxiliary lexicon-valence loss (0: off)")
    levers.add_argument("--mask-rate", type=float, default=TrainConfig.domain_mask_rate,
                        help="share of the --mask-words masked in each batch")
    levers.add_argument("--mask-words", choices=("domain", "polar"), default=TrainConfig.mask_words,
                        help="domain: typical of clothing reviews; polar: polarity from the clothing context")
    levers.add_argument("--contrast-share", type=float, default=TrainConfig.contrast_share,
                        help="made-up 'X, but Y' examples per training review")
    levers.add_argument("--negation", dest="negation_scope", action=switch, default=TrainConfig.negation_scope,
                        help="mark negation scope and reverse the valence feature inside it")
    levers.add_argument("--lexicon-examples", action=switch, default=TrainConfig.lexicon_examples,
                        help="lexicon words, alone and negated, as extra labelled examples")
    levers.add_argument("--average-last", type=int, default=TrainConfig.average_last,
                        help="also try the mean weights of the last N epochs, kept if validation prefers them")
    levers.add_argument("--domain-dropout", type=float, default=0.0,
                        help="share of tokens read without their own trainable row in training (GloVe and valence only)")
    levers.add_argument("--written-repeats", type=int, default=TrainConfig.written_repeats,
                        help="add the written reviews' dev half (not the held-out half) to training this many times")
    levers.add_argument("--writers-repeats", type=int, default=TrainConfig.writers_repeats,
                        help="add the training writers' reviews of other things (assets/data/reviews_written) "
                             "this many times")
    levers.add_argument("--members", type=int, default=TrainConfig.members,
                        help="train this many networks (seeds --seed, --seed + 1, ...) and average their logits")
    levers.add_argument("--hidden-dim", type=int, default=None,
                        help="hidden units per direction (default: the model's own, 64 attention, 96 rnn)")
    levers.add_argument("--dropout", type=float, default=None,
                        help="dropout on the word vectors and the review vector (default: the model's, 0.3)")
    levers.add_argument("--word-dropout", type=float, default=TrainConfig.word_dropout,
                        help="share of words replaced by <unk> in each training batch")
    levers.add_argument("--drop-disagreeing", action="store_true",
                        help="leave out training reviews whose stars and 'recommended' answer disagree")
    levers.add_argument("--lexicon-apart", action="store_true",
                        help="lexicon examples count 1 each instead of taking the clothing class weights")
    levers.add_argument("--layers", type=int, default=1, help="stacked recurrent layers")
    levers.add_argument("--final-states", action="store_true",
                        help="attention model: the classifier also reads each direction's final state")
    levers.add_argument("--threads", type=int, default=None, help="CPU threads for torch (default: torch's)")
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
    bench.set_defaults(func=run_bench)


def _model_names(choice: str) -> list[str]:
    return list(MODEL_CHOICES.values()) if choice == "both" else [ALL_CHOICES[choice]]


def _print_epoch(report: EpochReport) -> None:
    mark = " *" if report.improved else ""
    print(f"epoch {report.epoch}/{report.epochs}  train loss {report.train_loss:.4f}  "
          f"val loss {report.val_loss:.4f}  val balanced acc {report.val_balanced_accuracy:.4f}  "
          f"val macro-F1 {report.val_macro_f1:.4f}  {report.seconds:.0f}s{mark}", flush=True)


def _print_member(index: int, count: int) -> None:
    if count > 1:
        print(f"member {index + 1} of {count}", flush=True)


def run_train(args: argparse.Namespace) -> int:
    if args.epochs < 1:
        raise InputError("--epochs must be at least 1.")
    if args.members < 1:
        raise InputError("--members must be at least 1.")
    device = pick_device(args.device)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    name = MODEL_CHOICES[args.model]
    settings = TrainConfig(epochs=args.epochs, seed=args.seed, split_seed=args.split_seed,
                           word_vectors=args.word_vectors,
                           valence_feature=args.valence_feature, aux_weight=args.aux_weight,
                           domain_mask_rate=args.mask_rate, mask_words=args.mask_words,
                           contrast_share=args.contrast_share, negation_scope=args.negation_scope,
                           lexicon_examples=args.lexicon_examples, average_last=args.average_last,
                           members=args.members, written_repeats=args.written_repeats,
                           writers_repeats=args.writers_repeats, word_dropout=args.word_dropout,
                           drop_disagreeing=args.drop_disagreeing, lexicon_apart=args.lexicon_apart)
    print(f"Training {name} ({args.cell}) on {describe_device(device)}", flush=True)
    if not 0.0 <= args.domain_dropout < 1.0:
        raise InputError("--domain-dropout must be at least 0 and below 1.")
    for flag, value in (("--dropout", args.dropout), ("--word-dropout", args.word_dropout)):
        if value is not None and not 0.0 <= value < 1.0:
            raise InputError(f"{flag} must be at least 0 and below 1.")
    if args.layers < 1:
        raise InputError("--layers must be at least 1.")
    if args.hidden_dim is not None and args.hidden_dim < 1:
        raise InputError("--hidden-dim must be at least 1.")
    options = {"cell": args.cell, **({"domain_dropout": args.domain_dropout} if args.domain_dropout else {}),
               **({"hidden_dim": args.hidden_dim} if args.hidden_dim else {}),
               **({"final_states": True} if args.final_states else {}),
               **({"dropout": args.dropout} if args.dropout is not None else {}),
               **({"layers": args.layers} if args.layers != 1 else {})}
    trained = train_text_model(name, settings, device, options, on_progress=_print_epoch,
                               on_member=_print_member)
    path = save_text_model(trained, name, args.output)
    test, calibration = trained.metrics["test"], trained.metrics["calibration"]
    print(f"{trained.metrics['members']} network(s), {trained.result.seconds:.0f}s of training; test accuracy "
          f"{test['accuracy']:.4f}, balanced accuracy {test['balanced_accuracy']:.4f}, "
          f"macro-F1 {test['macro_f1']:.4f}; temperature {calibration['temperature']:.3f}, test ECE "
          f"{calibration['test_ece_before']:.4f} -> {calibration['test_ece_after']:.4f}\nwrote {path}")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    device = pick_device(args.device)
    current = data_fingerprint()
    report = {}
    for name in _model_names(args.model):
        scorer = load_sentiment_model(name, device)
        if registry.get_model_entry(name).pretrained_encoder:
            report[name] = evaluate_multilingual(scorer, args.ood)
            continue
        # Test metrics only mean something on the data and split the model was trained with.
        if scorer.fingerprint != current:
            raise CheckpointError(f"{name} was trained on review data {scorer.fingerprint}, the data "
                                  f"in assets is {current}: retrain it with `train text`.")
        splits = load_splits(scorer.split_seed)
        report[name] = evaluate_splits(scorer.model, scorer.vocab, splits, device, scorer.temperature)
        if args.ood:
            report[name]["out_of_domain"] = evaluate_ood(scorer, load_ood_reviews(args.ood))
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


def _bench_one(scorer: SentimentModel, reviews: list[str]) -> dict:
    for text in reviews[:20]:  # warm-up: first calls allocate and pick kernels
        scorer.score(text)
    latencies = []
    for text in reviews[:BENCH_SINGLE_RUNS]:
        start = time.perf_counter()
        scorer.score(text)
        if scorer.device.type == "cuda":
            torch.cuda.synchronize()
        latencies.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    scorer.score_many(reviews, batch_size=256)
    seconds = time.perf_counter() - start
    return {"median_ms": statistics.median(latencies), "p90_ms": statistics.quantiles(latencies, n=10)[-1],
            "throughput_per_s": len(reviews) / seconds, "batch_reviews": len(reviews)}


def run_bench(args: argparse.Namespace) -> int:
    devices = [pick_device(args.device)] if args.device else [torch.device("cpu")]
    if args.device is None and torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    reviews = list(load_splits().test["text"])
    print(f"{len(reviews)} test reviews; latency = one review end to end (tokenise, forward, "
          f"attention), median of {BENCH_SINGLE_RUNS}; throughput = all of them in batches of 256. "
          "ReviewRNN is the baseline beside AttentionRNN and MultilingualE5.")
    for device in devices:
        for name in ALL_CHOICES.values():
            figures = _bench_one(load_sentiment_model(name, device), reviews)
            print(f"{describe_device(device):24s} {name:13s} median {figures['median_ms']:6.2f} ms  "
                  f"p90 {figures['p90_ms']:6.2f} ms  throughput {figures['throughput_per_s']:8.0f} reviews/s")
    return 0
