"""The demo pages: one entry each, used by app.py's navigation and the home page's cards."""

from __future__ import annotations

from dataclasses import dataclass

from shopdl_core import registry


@dataclass(frozen=True)
class Demo:
    page: str  # path of the page script, relative to the repo root
    title: str
    icon: str
    summary: str
    models: tuple[str, ...] = ()  # names in the model registry


DEMOS: tuple[Demo, ...] = (
    Demo("app_pages/recommend.py", "Recommender", "🧭",
         "Edit who rated what: collaborative, content, hybrid and learned models rank products and say why."),
    Demo("app_pages/images.py", "Product photos", "📷",
         "Upload a photo of a garment: a pretrained CNN fine-tuned on real photos names its kind, tags it, "
         "shows where it looked and finds the most similar catalogue products.",
         models=registry.list_models("vision")),
    Demo("app_pages/reviews.py", "Review sentiment", "💬",
         "Type a review in English or Chinese: a pretrained multilingual encoder scores it beside the seed's "
         "two recurrent networks, and shading shows the words behind the score.",
         models=registry.list_models("text")),
    Demo("app_pages/lab.py", "Model lab", "🧪",
         "Train small models live and watch them learn: a photo classifier on frozen ImageNet features "
         "(fewer photos, noisier labels?) and a learned recommender beside user-CF."),
)
