"""``train vision``, ``evaluate vision``, ``predict image`` and ``bench vision``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

from shopdl_core import config, registry
from shopdl_core.checkpoints import read_model_card
from shopdl_core.device import describe_device, pick_device
from shopdl_core.errors import InputError
from shopdl_core.vision.bench import bench_model, bench_photo_model
from shopdl_core.vision.data import load_split
from shopdl_core.vision.photolike import photo_like_metrics
from shopdl_core.vision.preprocess import decode_photo, prepare_product_photo, read_photo_file
from shopdl_core.vision.search import classify_photos, predict_photos
from shopdl_core.training import EpochReport
from shopdl_core.vision.train import train_and_save
from shopdl_core.vision.trained import load_trained_model

MODEL_CHOICES = registry.cli_choices("vision")  # SeedCNN (the baseline) first, then ProductCNN, PhotoCNN
FASHION_CHOICES = registry.cli_choices("vision", registry.FASHION_MNIST)
PHOTO_MODEL = registry.list_models("vision", registry.PRODUCT_PHOTOS, default_first=True)[0]
PHOTO_LIKE_IMAGES = 2000  # test images dressed as photos (each as JPEG and PNG) for the metric


def _photo_like_count(value: str) -> int:
    count = int(value)
    if not 0 <= count <= 10_000:
        raise argparse.ArgumentTypeError("use 0 (skip) to 10000 test images")
    return count


def _add_model_option(parser: argparse.ArgumentParser,
                      default: str = registry.default_cli_choice("vision", registry.FASHION_MNIST)) -> None:
    parser.add_argument("--model", choices=MODEL_CHOICES, default=default,
                        help=f"photo: PhotoCNN, for real photos; seed, product: the Fashion-MNIST CNNs "
                             f"(default: {default})")
    parser.add_argument("--device", default=None, help="cpu, cuda, cuda:N or mps (default: SHOPDL_DEVICE or best)")


def add_commands(targets: dict) -> None:
    train = targets["train"].add_parser(
        "vision", help="train SeedCNN or ProductCNN on Fashion-MNIST, or fine-tune PhotoCNN on clothing photos")
    _add_model_option(train)
    train.add_argument("--epochs", type=int, default=None, help="default: the model's tuned setting")
    train.add_argument("--photos", type=Path, default=None, metavar="DIR",
                       help="PhotoCNN: the clothing photos' train folder, one sub-folder per class "
                            f"({', '.join(config.PHOTO_CLASSES)}); not shipped, see the README")
    train.add_argument("--photo-like", type=_photo_like_count, default=PHOTO_LIKE_IMAGES, metavar="N",
                       help=f"test images for the photo-like metric (default {PHOTO_LIKE_IMAGES}, 0 skips)")
    train.add_argument("--output", type=Path, default=None, help="checkpoint path (default: assets/models/...)")
    train.set_defaults(func=run_train)

    evaluate_parser = targets["evaluate"].add_parser(
        "vision", help="accuracy on the 10,000 Fashion-MNIST test images, or (photo) on the shipped validation photos")
    _add_model_option(evaluate_parser)
    evaluate_parser.add_argument("--real-photos", action="store_true",
                                 help="seed, product: also score the shipped validation photos through "
                                      "their silhouettes (the seven kinds with a Fashion-MNIST class)")
    evaluate_parser.add_argument("--photo-like", type=_photo_like_count, default=0, metavar="N",
                                 help="also score N test images dressed as shop photos (JPEG and PNG)")
    evaluate_parser.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate_parser.set_defaults(func=run_evaluate)

    predict = targets["predict"].add_parser("image", help="classify and tag product photos")
    predict.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    _add_model_option(predict, default=registry.default_cli_choice("vision", registry.PRODUCT_PHOTOS))
    predict.add_argument("--json", action="store_true", help="one JSON line per file")
    predict.set_defaults(func=run_predict)

    bench = targets["bench"].add_parser("vision", help="photo latency and batched throughput")
    bench.add_argument("--model", choices=["all", *MODEL_CHOICES], default="all",
                       help="photo: PhotoCNN only (decode, resize, forward, similar-product search)")
    bench.add_argument("--repeats", type=int, default=50, help="timed runs of the one-photo latency")
    bench.set_defaults(func=run_bench)


def _print_epoch(report: EpochReport) -> None:
    if report.stage == "cache":
        print(f"cached the frozen blocks' output for every view in {report.seconds:.0f} s", flush=True)
        return
    dev = "" if report.validation_accuracy is None else f"  dev accuracy {report.validation_accuracy:.4f}"
    print(f"epoch {report.epoch:2d}/{report.epochs}  loss {report.train_loss:.4f}  "
          f"train accuracy {report.train_accuracy:.4f}{dev}  {report.seconds:5.1f} s", flush=True)


def run_train_photo(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from shopdl_core.vision.photo_train import train_and_save_photo_cnn

    if args.photos is None:
        raise InputError("PhotoCNN trains on the clothing photos, which are not shipped: give their train "
                         "folder with --photos DIR (one sub-folder per class).")
    device = pick_device(args.device)
    settings = registry.default_training(PHOTO_MODEL)
    if args.epochs is not None:
        settings = replace(settings, epochs=args.epochs)
    print(f"fine-tuning PhotoCNN on {describe_device(device)} from {args.photos}", flush=True)
    result = train_and_save_photo_cnn(args.photos, device, settings, args.output, _print_epoch)
    metrics = result.metrics
    card = read_model_card(result.path)
    print(f"validation photos: accuracy {metrics['accuracy']:.4f}  ECE {metrics['ece_uncalibrated']:.4f} -> "
          f"{metrics['ece']:.4f} (temperature {metrics['temperature']:.2f})  precision@6 "
          f"{metrics['precision_at_6']:.3f}  rank-1 hit rate {metrics['rank1_hit_rate']:.3f}")
    print(f"training {metrics['train_seconds']:.0f} s  {card['parameters']:,} parameters  "
          f"{card['size_bytes'] / 1e6:.1f} MB")
    print(f"wrote {result.path}")
    return 0


def run_train(args: argparse.Namespace) -> int:
    if MODEL_CHOICES[args.model] == PHOTO_MODEL:
        return run_train_photo(args)
    device = pick_device(args.device)
    model_name = MODEL_CHOICES[args.model]
    print(f"training {model_name} on {describe_device(device)}", flush=True)
    test_images, test_labels = load_split("test")
    count = args.photo_like

    def photo_like(model: torch.nn.Module) -> dict:
        return photo_like_metrics(model, device, test_images[:count], test_labels[:count]) if count else {}

    result = train_and_save(model_name, device, args.epochs, args.output, _print_epoch, photo_like)
    card = read_model_card(result.path)
    print(f"test accuracy {result.evaluation.accuracy:.4f}  training {result.history.seconds:.0f} s  "
          f"{card['parameters']:,} parameters  {card['size_bytes'] / 1024:.0f} KB")
    if count:
        metrics = card["metrics"]
        print(f"photo-like accuracy ({count} test images, JPEG and PNG) {metrics['photo_like_accuracy']:.4f}, "
              f"the same images as they are {metrics['photo_like_raw_accuracy']:.4f}")
    print(f"wrote {result.path}")
    return 0


def _print_classes(report: dict) -> None:
    for name, accuracy in report["per_class_accuracy"].items():
        print(f"  {name:12s} {accuracy:.3f}")
    print("confusion matrix (rows: true class, columns: predicted, in the order above)")
    for row in report["confusion"]:
        print("  " + " ".join(f"{count:4d}" for count in row))


def _print_photo_report(report: dict) -> None:
    print(f"{report['model']} on {report['photos']} validation photos: accuracy {report['accuracy']:.4f}, "
          f"ECE {report['ece_uncalibrated']:.4f} uncalibrated, {report['ece']:.4f} at temperature "
          f"{report['temperature']:.2f}")
    _print_classes(report)
    print(f"similar products: precision@6 {report['precision_at_6']:.3f}, rank-1 hit rate of altered catalogue "
          f"photos {report['rank1_hit_rate']:.3f}")


def run_evaluate(args: argparse.Namespace) -> int:
    device = pick_device(args.device)
    name = MODEL_CHOICES[args.model]
    report = registry.evaluate(name, device, photo_like=args.photo_like, real_photos=args.real_photos)
    if args.json:
        print(json.dumps(report))
    elif name == PHOTO_MODEL:
        _print_photo_report(report)
    else:
        _print_fashion_report(report, args)
    return 0


def _print_fashion_report(report: dict, args: argparse.Namespace) -> None:
    print(f"{report['model']} on {report['test_images']:,} Fashion-MNIST test images: accuracy {report['accuracy']:.4f}")
    _print_classes(report)
    if args.photo_like:
        by_format = ", ".join(f"{k} {v:.4f}" for k, v in report["photo_like_accuracy_by_format"].items())
        print(f"photo-like accuracy on the first {args.photo_like} test images: {report['photo_like_accuracy']:.4f} "
              f"({by_format}); the same images as they are: {report['photo_like_raw_accuracy']:.4f}")
    if args.real_photos:
        print(f"real photos of the seven kinds it has a class for: accuracy {report['real_photo_accuracy']:.4f} "
              f"({report['real_photos']} photos; {report['no_silhouette']} gave no silhouette)")


def _predict_one(trained, data: bytes, name: str, device: torch.device):
    if trained.reads_photos:
        return classify_photos(trained, [decode_photo(data, name=name)])[0]
    return predict_photos(trained.model, [prepare_product_photo(data, name=name)], trained.class_names, device)[0]


def run_predict(args: argparse.Namespace) -> int:
    device = pick_device(args.device)
    trained = load_trained_model(MODEL_CHOICES[args.model], device)
    failures = 0
    for path in args.paths:
        try:
            prediction = _predict_one(trained, read_photo_file(path), str(path), device)
        except InputError as exc:
            failures += 1
            line = {"file": str(path), "error": str(exc)}
            print(json.dumps(line) if args.json else f"{path}: error: {exc}", flush=True)
            continue
        if args.json:
            line = {"file": str(path), "label": prediction.label, "probabilities": prediction.probabilities,
                    "tags": list(prediction.tags), "colour": prediction.colour}
            if trained.reads_photos:
                line["unsure"] = prediction.unsure
            print(json.dumps(line), flush=True)
        else:
            top = ", ".join(f"{name} {p:.2f}" for name, p in prediction.top(3))
            unsure = "  (not one of our kinds of product, or unsure)" if prediction.unsure else ""
            print(f"{path}: {prediction.label} ({top})  tags: {', '.join(prediction.tags)}{unsure}", flush=True)
    if failures:
        print(f"{failures} of {len(args.paths)} file(s) could not be scored", file=sys.stderr)
    return 1 if failures else 0


def run_bench(args: argparse.Namespace) -> int:
    if args.repeats < 1:
        raise InputError("--repeats must be at least 1.")
    chosen = list(MODEL_CHOICES.values()) if args.model == "all" else [MODEL_CHOICES[args.model]]
    baseline_model = next(iter(MODEL_CHOICES.values()))  # the registry lists the baseline first
    if PHOTO_MODEL in chosen and baseline_model not in chosen:
        chosen.insert(0, baseline_model)  # timed in the same process
    print("one 1000 x 1000 JPEG end to end. SeedCNN, ProductCNN: decode, silhouette, forward, tags; "
          "throughput on 10,000 test images in batches of 500. PhotoCNN: decode, resize to 224, forward, "
          "tags, similar-product search; throughput on the 341 validation photos in batches of 32")
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
            baseline = None
            for model_name in chosen:  # SeedCNN first: the baseline
                trained = load_trained_model(model_name, device)
                if trained.reads_photos:
                    result = bench_photo_model(trained, device, args.repeats)
                else:
                    result = bench_model(model_name, trained.model, device, args.repeats)
                baseline = baseline or result.latency_ms_median
                print(f"  {model_name:10s} latency median {result.latency_ms_median:6.2f} ms  "
                      f"p90 {result.latency_ms_p90:6.2f} ms  ({result.latency_ms_median / baseline:4.1f}x SeedCNN)  "
                      f"throughput {result.throughput_per_s:9,.0f} images/s", flush=True)
    finally:
        torch.set_num_threads(default_threads)
    return 0
