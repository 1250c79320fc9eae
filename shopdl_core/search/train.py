"""Train the projection that search by words rests on (search/projection.py).

    python -m shopdl_core train search --photos DIR [--cache /tmp/shopdl-search]

DIR is the clothing photos' ``train`` folder (one sub-folder per class). The catalogue's own
photos (catalog.csv ``source``) are left out, so the catalogue is searched with photos the
projection never saw; of the rest, a stratified 10 % is held out for choosing (the epoch kept
is the one whose dev queries find their kind best among those photos). Each epoch draws, for
every photo, one caption that fits it (search/captions.py); the text encoder embeds each
caption once, and PhotoCNN each photo once (both cached under ``--cache``).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from shopdl_core import catalog, config
from shopdl_core.checkpoints import fingerprint, load_checkpoint, restore_model, save_checkpoint
from shopdl_core.search.captions import Caption
from shopdl_core.search.kinds import KindReader, kind_words
from shopdl_core.search.photo_index import PhotoIndex, index_photo_files
from shopdl_core.search.projection import (ProjectionConfig, PhotoTextProjection, build_projection, colour_one_hot,
                                          contrastive_loss)
from shopdl_core.search.queries import load_queries, precision_at_k
from shopdl_core.vision.photos import list_photo_folder, stratified_split

TOP_K = 6
CHOOSE_SHARE = 0.1


@dataclass
class SearchTrainConfig:
    epochs: int = 20
    batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 0.01
    seed: int = config.SEED


@dataclass(frozen=True)
class LabelledPhotos:
    index: PhotoIndex  # labels: the folder's class (the truth), not PhotoCNN's answer
    kinds: np.ndarray  # (N,) int class indices


def cached(path: Path | None, key: str, compute):
    """``compute()``'s arrays, kept in ``path/<key>.npz`` (None: not cached)."""
    if path is None:
        return compute()
    file = Path(path) / f"{key}.npz"
    if file.is_file():
        with np.load(file) as stored:
            return {name: stored[name] for name in stored.files}
    arrays = compute()
    file.parent.mkdir(parents=True, exist_ok=True)
    np.savez(file, **arrays)
    return arrays


def labelled_photos(trained, root: Path, cache: Path | None) -> LabelledPhotos:
    items = list_photo_folder(root)
    key = "photos-" + fingerprint("\n".join(str(p) for p, _ in items))

    def compute():
        index, skipped = index_photo_files(trained, [p for p, _ in items])
        if skipped:
            raise RuntimeError("\n".join(skipped))
        return {"names": np.array(index.names), "embeddings": index.embeddings, "colours": np.array(index.colours),
                "labels": np.array([config.PHOTO_CLASSES[label] for _, label in items])}

    arrays = cached(cache, key, compute)
    labels = tuple(str(v) for v in arrays["labels"])
    index = PhotoIndex(tuple(str(v) for v in arrays["names"]), arrays["embeddings"].astype(np.float32),
                       tuple(str(v) for v in arrays["colours"]), labels)
    return LabelledPhotos(index, np.array([config.PHOTO_CLASSES.index(k) for k in labels]))


def text_vectors(encoder, texts: list[str], cache: Path | None) -> np.ndarray:
    """(N, 384) unit vectors of ``texts`` as queries are embedded (kind "query")."""
    key = "texts-" + hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    return cached(cache, key, lambda: {"vectors": encoder.encode(texts, kind="query").numpy()})["vectors"]


def fit_matrix(photos: LabelledPhotos, captions: list[Caption]) -> np.ndarray:
    """(N, C) bool: caption c fits photo n (same kind; the caption's colour, if any, is the photo's)."""
    kinds = np.array([config.PHOTO_CLASSES.index(c.kind) for c in captions])
    colours = np.array([c.colour or "" for c in captions])
    photo_colours = np.array(photos.index.colours)
    same_kind = photos.kinds[:, None] == kinds[None, :]
    colour_ok = (colours[None, :] == "") | (colours[None, :] == photo_colours[:, None])
    return same_kind & colour_ok


def project(model: PhotoTextProjection, index: PhotoIndex) -> np.ndarray:
    """(N, 384) unit vectors of an index's photos in the text space (model in eval mode)."""
    with torch.inference_mode():
        return model(torch.from_numpy(index.embeddings), colour_one_hot(index.colours, model.config)).numpy()


def precision_by_language(photo_vectors: np.ndarray, labels: tuple[str, ...], queries, query_vectors: np.ndarray,
                          k: int = TOP_K) -> dict[str, float]:
    """Mean precision@k of each language's queries over photos (N, 384) whose true kinds are ``labels``."""
    top = np.argsort(-(query_vectors @ photo_vectors.T), axis=1, kind="stable")[:, :k]  # (Q, k)
    per_query = precision_at_k([[labels[i] for i in row] for row in top], list(queries["classes"]))
    return {language: float(per_query[(queries["language"] == language).to_numpy()].mean())
            for language in ("en", "zh")}


def split_photos(photos: LabelledPhotos, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(training, choosing) indices: the catalogue's photos left out, 10 % of the rest for choosing."""
    in_catalogue = set(catalog.load_catalog()["source"])
    names = photos.index.names
    usable = np.array([i for i, name in enumerate(names)
                       if f"{Path(name).parent.name}/{Path(name).name}" not in in_catalogue])
    kept, held = stratified_split(photos.kinds[usable], CHOOSE_SHARE, seed)
    return usable[kept], usable[held]


def train_projection(photos: LabelledPhotos, captions: list[Caption], caption_vectors: np.ndarray,
                     dev_vectors: np.ndarray, model_config: ProjectionConfig, train_config: SearchTrainConfig,
                     on_epoch=None) -> tuple[PhotoTextProjection, dict]:
    """The projection at its best epoch on the dev queries, and the training history."""
    torch.manual_seed(train_config.seed)
    rng = np.random.default_rng(train_config.seed)
    training, choosing = split_photos(photos, train_config.seed)
    fits = fit_matrix(photos, captions)  # (N, C)
    fitting = [np.flatnonzero(row) for row in fits]
    images = torch.from_numpy(photos.index.embeddings)
    model = PhotoTextProjection(model_config)
    colours = colour_one_hot(photos.index.colours, model_config)
    texts = torch.from_numpy(caption_vectors)
    optimiser = torch.optim.AdamW(model.parameters(), lr=train_config.lr, weight_decay=train_config.weight_decay)
    dev = load_queries("dev")
    choose_index = _subset(photos.index, choosing)
    best, best_state, history = -1.0, None, []
    for epoch in range(1, train_config.epochs + 1):
        model.train()
        order = rng.permutation(training)
        losses = []
        for start in range(0, len(order), train_config.batch_size):
            batch = order[start:start + train_config.batch_size]
            drawn = np.array([rng.choice(fitting[i]) for i in batch])  # one fitting caption per photo
            batch_fits = torch.from_numpy(fits[batch][:, drawn])  # (B, B)
            loss = contrastive_loss(model(images[batch], colours[batch]), texts[drawn], batch_fits, model.scale())
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
        model.eval()
        precision = precision_by_language(project(model, choose_index), choose_index.labels, dev, dev_vectors)
        score = (precision["en"] + precision["zh"]) / 2
        record = {"epoch": epoch, "loss": float(np.mean(losses)), "dev_precision": precision,
                  "temperature": 1 / model.scale().item()}
        history.append(record)
        if on_epoch is not None:
            on_epoch(record)
        if score > best:
            best, best_state = score, {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    model.eval()
    chosen = max(history, key=lambda r: (r["dev_precision"]["en"] + r["dev_precision"]["zh"]) / 2)
    return model, {"history": history, "chosen_epoch": chosen["epoch"], "training_photos": len(training),
                   "choosing_photos": len(choosing), "dev_precision_at_6": chosen["dev_precision"]}


def _subset(index: PhotoIndex, rows: np.ndarray) -> PhotoIndex:
    return PhotoIndex(tuple(index.names[i] for i in rows), index.embeddings[rows],
                      tuple(index.colours[i] for i in rows), tuple(index.labels[i] for i in rows))


def projection_path() -> Path:
    return config.models_dir() / "search_projection.pt"


def save_projection(model: PhotoTextProjection, reader: KindReader, report: dict, photos: LabelledPhotos,
                    captions: list[Caption], train_config: SearchTrainConfig, path: Path | None = None) -> Path:
    names = "\n".join(f"{Path(n).parent.name}/{Path(n).name}" for n in photos.index.names)
    return save_checkpoint(
        path or projection_path(), model, kind="search", model_name="PhotoTextProjection",
        config=asdict(model.config), metrics={k: v for k, v in report.items() if k != "history"},
        fingerprint=fingerprint(names, "\n".join(c.text for c in captions)),
        extras={"training": asdict(train_config), "history": report["history"], "kind_words": reader.to_extras()},
        trained_on=(f"{report['training_photos']} clothing photos ({report['choosing_photos']} more for choosing; "
                    f"the catalogue's left out) and {len(captions)} captions"),
    )


def store_kind_words(encoder, path: Path | None = None) -> Path:
    """Re-save the projection's checkpoint with the kind reader's words and their vectors from
    ``encoder``, the projection unchanged: what a change of the word table (search/vocabulary.py)
    needs, when the captions the projection was trained on stay as they were."""
    path = path or projection_path()
    checkpoint = load_checkpoint(path, kind="search")
    words, kinds = kind_words()
    reader = KindReader(words, np.array(kinds), encoder.encode(list(words), kind="query").numpy())
    return save_checkpoint(path, restore_model(checkpoint, build_projection, "cpu"), kind="search",
                           model_name=checkpoint.model_name, config=checkpoint.config, metrics=checkpoint.metrics,
                           fingerprint=checkpoint.fingerprint, extras={**checkpoint.extras, "kind_words": reader.to_extras()},
                           trained_on=checkpoint.trained_on)
