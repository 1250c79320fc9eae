"""The photos a search looks through: PhotoCNN's embedding, colour and kind of each.

An index holds, per photo, PhotoCNN's pooled embedding (unit length, as for similar-product
search), its colour and its kind. For a folder of photos both are read by
``vision.search.classify_photos``, the one place where a photo's colour is read (the colour
reader) and PhotoCNN names the kind; for the catalogue they are its listed colour and category
(``catalog.csv``: the reader's colour, checked by eye, see ``catalog_build.shop_colour``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shopdl_core import catalog
from shopdl_core.errors import InputError
from shopdl_core.vision.preprocess import decode_photo
from shopdl_core.vision.search import classify_photos


@dataclass(frozen=True)
class PhotoIndex:
    names: tuple[str, ...]  # product ids, or file paths
    embeddings: np.ndarray  # (N, 1280) unit PhotoCNN embeddings
    colours: tuple[str, ...]  # a name of the colour palette (vision.colour.PALETTE) per photo
    labels: tuple[str, ...]  # the photo's kind: the catalogue's category, or PhotoCNN's answer

    def __len__(self) -> int:
        return len(self.names)


def catalogue_index(trained) -> PhotoIndex:
    """The catalogue's products, from PhotoCNN's shipped catalogue index (no photo is read)."""
    index = trained.catalog_index
    table = catalog.load_catalog().loc[list(index.product_ids)]
    return PhotoIndex(tuple(index.product_ids), np.asarray(index.embeddings, dtype=np.float32),
                      tuple(table["colour"]), tuple(table["category"]))


def files_under(root: Path | str) -> list[Path]:
    """Every file under ``root``, recursively, sorted (hidden files and folders left out)."""
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"Photo folder {root} does not exist or is not a folder.")
    return sorted(p for p in root.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))


def index_photo_files(trained, paths: list[Path], batch_size: int = 32,
                      on_progress: Callable[[int, int], None] | None = None) -> tuple[PhotoIndex, list[str]]:
    """The index of the files that are photos, and a note per file that is not (read by content).

    ``trained``: a loaded PhotoCNN (``vision.trained.TrainedVisionModel``).
    """
    names, embeddings, colours, labels, skipped = [], [], [], [], []
    for start in range(0, len(paths), batch_size):
        photos = []
        for path in paths[start:start + batch_size]:
            try:
                photos.append((path, decode_photo(Path(path).read_bytes(), name=str(path))))
            except (InputError, OSError) as exc:
                skipped.append(f"skipped {path}: {exc}")
        if photos:
            for (path, _), prediction in zip(photos, classify_photos(trained, [p for _, p in photos])):
                names.append(str(path))
                embeddings.append(prediction.embedding)
                colours.append(prediction.tags[2])
                labels.append(prediction.label)
        if on_progress is not None:
            on_progress(min(start + batch_size, len(paths)), len(paths))
    if not names:
        raise InputError(f"None of the {len(paths)} files is a photo that can be read (JPEG, PNG, WebP, ...).")
    return PhotoIndex(tuple(names), np.stack(embeddings).astype(np.float32), tuple(colours), tuple(labels)), skipped
