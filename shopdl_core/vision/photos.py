"""Real clothing photos: folders of labelled photos, loading them as the app does, augmenting.

A photo folder holds one sub-folder per class in ``config.PHOTO_CLASSES`` (``dress/``,
``hat/``, ...), each with JPEG (or PNG, WebP) photos. Training reads the full collection from
a folder given on the command line; the held-out ``validation`` photos ship downscaled in
``assets/data/photos`` so that the model can be measured on a fresh machine.

Every photo goes through ``decode_photo`` (the upload path), so the model is trained and
measured on exactly what an upload becomes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

from shopdl_core import config
from shopdl_core.checkpoints import fingerprint
from shopdl_core.errors import InputError
from shopdl_core.vision.preprocess import DecodedPhoto, decode_photo, photo_model_input

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


@dataclass(frozen=True)
class PhotoSet:
    paths: tuple[Path, ...]
    labels: np.ndarray  # (N,) int64 indices into config.PHOTO_CLASSES
    photos: tuple[DecodedPhoto, ...]

    def __len__(self) -> int:
        return len(self.paths)

    def subset(self, index: np.ndarray) -> PhotoSet:
        return PhotoSet(tuple(self.paths[i] for i in index), self.labels[index],
                        tuple(self.photos[i] for i in index))

    def inputs(self, size: int) -> np.ndarray:
        """Every photo as the model's plain input: uint8 (N, size, size, 3)."""
        return np.stack([photo_model_input(photo, size) for photo in self.photos])


def list_photo_folder(root: Path | str) -> list[tuple[Path, int]]:
    """(path, class index) of every photo under ``root/<class>/``, sorted by path.

    Raises InputError when the folder is missing or has none of the class folders.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"Photo folder {root} does not exist.")
    items = []
    for index, name in enumerate(config.PHOTO_CLASSES):
        folder = root / name
        if folder.is_dir():
            items += [(path, index) for path in sorted(folder.iterdir()) if path.suffix.lower() in PHOTO_SUFFIXES]
    if not items:
        raise InputError(
            f"Photo folder {root} has no photos in class folders ({', '.join(config.PHOTO_CLASSES)})."
        )
    return items


def load_photo_folder(root: Path | str) -> PhotoSet:
    items = list_photo_folder(root)
    photos = tuple(decode_photo(path.read_bytes(), name=str(path)) for path, _ in items)
    return PhotoSet(tuple(path for path, _ in items), np.array([label for _, label in items], dtype=np.int64), photos)


def shipped_validation_dir() -> Path:
    return config.photos_dir() / "validation"


def photo_set_fingerprint(photos: PhotoSet) -> str:
    """Identifies a set of photos by their file names (without folders) and labels."""
    names = "\n".join(f"{path.parent.name}/{path.name}" for path in photos.paths)
    return fingerprint(names, photos.labels)


def stratified_split(labels: np.ndarray, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (kept, held out): ``share`` of each class held out, drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    held = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        count = max(1, int(round(share * len(members))))
        held += list(rng.choice(members, size=count, replace=False))
    held = np.sort(np.array(held, dtype=np.int64))
    kept = np.setdiff1d(np.arange(len(labels)), held)
    return kept, held


def augmented_input(photo: DecodedPhoto, size: int, rng: np.random.Generator) -> np.ndarray:
    """One random view of a photo as the model's input, uint8 (size, size, 3).

    Random resized crop (60-100 % of the area, aspect 3:4 to 4:3 of the squeezed frame),
    horizontal flip, a rotation of up to 10 degrees (filled with the photo's border colour)
    and brightness, contrast and saturation jitter of up to 20 %: how phone photos of the same
    garment differ.
    """
    picture = photo.picture
    width, height = picture.size
    area = rng.uniform(0.6, 1.0)
    aspect = np.exp(rng.uniform(np.log(3 / 4), np.log(4 / 3)))
    crop_w = min(1.0, np.sqrt(area * aspect)) * width
    crop_h = min(1.0, np.sqrt(area / aspect)) * height
    left = rng.uniform(0, width - crop_w)
    top = rng.uniform(0, height - crop_h)
    view = picture.resize((size, size), Image.Resampling.BILINEAR, box=(left, top, left + crop_w, top + crop_h))
    if rng.random() < 0.5:
        view = view.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    border = tuple(int(v) for v in np.median(np.concatenate([photo.rgb[0], photo.rgb[-1]]), axis=0))
    view = view.rotate(rng.uniform(-10, 10), resample=Image.Resampling.BILINEAR, fillcolor=border)
    for enhancer in (ImageEnhance.Brightness, ImageEnhance.Contrast, ImageEnhance.Color):
        view = enhancer(view).enhance(rng.uniform(0.8, 1.2))
    return np.asarray(view, dtype=np.uint8)


def augmented_views(photos: PhotoSet, size: int, views: int, seed: int) -> Iterator[np.ndarray]:
    """``views`` inputs per photo (N, size, size, 3) each: the plain one, then random views."""
    rng = np.random.default_rng(seed)
    yield photos.inputs(size)
    for _ in range(views - 1):
        yield np.stack([augmented_input(photo, size, rng) for photo in photos.photos])


def ship_photo_folder(source: Path | str, target: Path | str, side: int = 320, quality: int = 88) -> int:
    """Copy a class-folder photo collection downscaled (longer side ``side``, JPEG) for assets.

    Every photo is read through ``decode_photo``'s validation first; returns the number copied.
    """
    from shopdl_core.catalog_build import downscale_picture

    target = Path(target)
    items = list_photo_folder(source)
    for path, label in items:
        folder = target / config.PHOTO_CLASSES[label]
        folder.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        decode_photo(data, name=str(path))
        downscale_picture(data, side).save(folder / (path.stem + ".jpg"), "JPEG", quality=quality)
    return len(items)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m shopdl_core.vision.photos",
                                     description="Ship a photo folder downscaled into assets/data/photos.")
    parser.add_argument("source", type=Path, help="e.g. the clothing photos' validation folder")
    parser.add_argument("--name", default="validation", help="the folder's name under assets/data/photos")
    arguments = parser.parse_args()
    count = ship_photo_folder(arguments.source, config.photos_dir() / arguments.name)
    print(f"wrote {count} photos to {config.photos_dir() / arguments.name}")
