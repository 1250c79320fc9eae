"""``train vision``, ``evaluate vision``, ``predict image`` and ``bench vision``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

from shopdl_core import registry
from shopdl_core.checkpoints import read_model_card
from shopdl_core.device import describe_device, pick_device
from shopdl_core.errors import InputError
from shopdl_core.vision.bench import bench_model
from shopdl_core.vision.data import load_split
from shopdl_core.vision.photolike import photo_like_metrics
from shopdl_core.vision.preprocess import prepare_product_photo, read_photo_file
from shopdl_core.vision.search import predict_photos
from shopdl_core.vision.train import EpochReport, evaluate, train_and_save
from shopdl_core.vision.trained import load_trained_model

MODEL_CHOICES = registry.cli_choices("vision", registry.FASHION_MNIST)  # SeedCNN (the baseline) first
PHOTO_LIKE_IMAGES = 2000  # test images dressed as photos (each as JPEG and PNG) for the metric


def _photo_like_count(value: str) -> int:
    count = int(value)
    if not 0 <= count <= 10_000:
        raise argparse.ArgumentTypeError("use 0 (skip) to 10000 test images")
    return count


def _add_model_option(parser: argparse.ArgumentParser,
                      default: str = registry.default_cli_choice("vision", registry.FASHION_MNIST)) -> None:
    parser.add_argument("--model", choices=MODEL_CHOICES, default=default, help=f"default: {default}")
    parser.add_argument("--device", default=None, help="cpu, cuda, cuda:N or mps (default: SHOPDL_DEVICE or best)")


def add_commands(targets: dict) -> None:
    train = targets["train"].add_parser("vision", help=f"train {' or '.join(MODEL_CHOICES.values())} on Fashion-MNIST")
    _add_model_option(train)
    train.add_argument("--epochs", type=int, default=None, help="default: the model's tuned setting")
    train.add_argument("--photo-like", type=_photo_like_count, default=PHOTO_LIKE_IMAGES, metavar="N",
                       help=f"test images for the photo-like metric (default {PHOTO_LIKE_IMAGES}, 0 skips)")
    train.add_argument("--output", type=Path, default=None, help="checkpoint path (default: assets/models/...)")
    train.set_defaults(func=run_train)

    evaluate_parser = targets["evaluate"].add_parser("vision", help="accuracy on the 10,000 test images")
    _add_model_option(evaluate_parser)
    evaluate_parser.add_argument("--photo-like", type=_photo_like_count, default=0, metavar="N",
                                 help="also score N test images dressed as shop photos (JPEG and PNG)")
    evaluate_parser.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate_parser.set_defaults(func=run_evaluate)

    predict = targets["predict"].add_parser("image", help="classify and tag product photos")
    predict.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    _add_model_option(predict)
    predict.add_argument("--json", action="store_true", help="one JSON line per file")
    predict.set_defaults(func=run_predict)

    bench = targets["bench"].add_parser("vision", help="photo latency and batched throughput")
    bench.add_argument("--repeats", type=int, default=50, help="timed runs of the one-photo latency")
    bench.set_defaults(func=run_bench)


def _print_epoch(report: EpochReport) -> None:
    print(f"epoch {report.epoch:2d}/{report.epochs}  loss {report.loss:.4f}  "
          f"train accuracy {report.accuracy:.4f}  {report.seconds:5.1f} s", flush=True)


def run_train(args: argparse.Namespace) -> int:
    device = pick_device(args.device)
    model_name = MODEL_CHOICES[args.model]
    print(f"training {model_name} on {describe_device(device)}", flush=True)
    test_images, test_labels = load_split("test")
    count = args.photo_like

    def photo_like(model: torch.nn.Module) -> dict:
        return photo_like_metrics(model, device, test_images[:count], test_labels[:count]) if count else {}

    result = train_and_save(model_name, device, args.epochs, args.output, _print_epoch, photo_like)
    card = read_model_card(result.path)
    print(f"test accuracy {result.evaluation.accuracy:.4f}  training {result.seconds:.0f} s  "
          f"{card['parameters']:,} parameters  {card['size_bytes'] / 1024:.0f} KB")
    if count:
        metrics = card["metrics"]
        print(f"photo-like accuracy ({count} test images, JPEG and PNG) {metrics['photo_like_accuracy']:.4f}, "
              f"the same images as they are {metrics['photo_like_raw_accuracy']:.4f}")
    print(f"wrote {result.path}")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    device = pick_device(args.device)
    trained = load_trained_model(MODEL_CHOICES[args.model], device)
    images, labels = load_split("test")
    report = {"model": trained.name, "device": str(device), "test_images": int(len(labels)),
              **evaluate(trained.model, images, labels, device).as_metrics()}
    if args.photo_like:
        report.update(photo_like_metrics(trained.model, device, images[:args.photo_like], labels[:args.photo_like]))
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{trained.name} on {len(labels):,} Fashion-MNIST test images: accuracy {report['accuracy']:.4f}")
    for name, accuracy in report["per_class_accuracy"].items():
        print(f"  {name:12s} {accuracy:.3f}")
    print("confusion matrix (rows: true class, columns: predicted, in the order above)")
    for row in report["confusion"]:
        print("  " + " ".join(f"{count:4d}" for count in row))
    if args.photo_like:
        by_format = ", ".join(f"{k} {v:.4f}" for k, v in report["photo_like_accuracy_by_format"].items())
        print(f"photo-like accuracy on the first {args.photo_like} test images: {report['photo_like_accuracy']:.4f} "
              f"({by_format}); the same images as they are: {report['photo_like_raw_accuracy']:.4f}")
    return 0


def run_predict(args: argparse.Namespace) -> int:
    device = pick_device(args.device)
    trained = load_trained_model(MODEL_CHOICES[args.model], device)
    failures = 0
    for path in args.paths:
        try:
            photo = prepare_product_photo(read_photo_file(path), name=str(path))
        except InputError as exc:
            failures += 1
            line = {"file": str(path), "error": str(exc)}
            print(json.dumps(line) if args.json else f"{path}: error: {exc}", flush=True)
            continue
        prediction = predict_photos(trained.model, [photo], trained.class_names, device)[0]
        if args.json:
            print(json.dumps({"file": str(path), "label": prediction.label,
                              "probabilities": prediction.probabilities, "tags": list(prediction.tags)}), flush=True)
        else:
            top = ", ".join(f"{name} {p:.2f}" for name, p in prediction.top(3))
            print(f"{path}: {prediction.label} ({top})  tags: {', '.join(prediction.tags)}", flush=True)
    if failures:
        print(f"{failures} of {len(args.paths)} file(s) could not be scored", file=sys.stderr)
    return 1 if failures else 0


def run_bench(args: argparse.Namespace) -> int:
    if args.repeats < 1:
        raise InputError("--repeats must be at least 1.")
    print("one 1000 x 1000 JPEG end to end (decode, preprocess, forward, tags); "
          "throughput: 10,000 test images in batches of 500")
    default_threads = torch.get_num_threads()
    # On the CPU also with one intra-op thread: a one-image forward gains little from more,
    # and on a machine whose cores are busy (another training, other sessions) it loses a lot.
    settings = [(torch.device("cpu"), threads) for threads in sorted({default_threads, 1}, reverse=True)]
    if torch.cuda.is_available():
        settings.append((torch.device("cuda"), default_threads))
    try:
        for device, threads in settings:
            torch.set_num_threads(threads)
            print(f"{describe_device(device)}:")
            for model_name in MODEL_CHOICES.values():  # SeedCNN first: the baseline
                result = bench_model(model_name, load_trained_model(model_name, device).model, device, args.repeats)
                print(f"  {model_name:10s} latency median {result.latency_ms_median:6.2f} ms  "
                      f"p90 {result.latency_ms_p90:6.2f} ms  throughput {result.throughput_per_s:9,.0f} images/s")
    finally:
        torch.set_num_threads(default_threads)
    return 0
