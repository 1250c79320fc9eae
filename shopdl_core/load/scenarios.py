"""The demo interactions the load bench repeats: one row per demo page, read from its real widget keys.

Each input is one user action: the widgets it sets (by the ``key=`` the page gives them) in a
single rerun. The result of an action is the text of the rendered elements of ``result_kinds`` in
the page's main area (the sidebar's model status changes as models load, so it is left out). A
demo whose page is not in the app's navigation yet is skipped with a note.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopdl_core.lab_defaults import RECOMMENDER
from shopdl_core.ui.session_client import AppSession, PageRun


@dataclass(frozen=True)
class Scenario:
    demo: str
    url_path: str  # the page's url path in the app (Streamlit's default: the file's stem)
    inputs: tuple[dict[str, object], ...]  # widget values by user key, one action each
    result_kinds: tuple[str, ...]
    query: str = ""  # the link's query string the page opens with, e.g. "product=P001"
    clicks: tuple[str | None, ...] = ()  # per input, the key of a button pressed in the same rerun
    # Only the texts after the heading that reads this: what comes before it depends on the
    # session's own history (the shop's "Recommended for you" follows each visitor's likes).
    result_after: str | None = None

    async def open(self, session: AppSession) -> PageRun:
        return await session.open(self.url_path, query=self.query)

    async def act(self, session: AppSession, index: int) -> PageRun:
        click = self.clicks[index] if self.clicks else None
        return await session.set_values(self.inputs[index], click=click)

    def result(self, run: PageRun) -> tuple[str, ...]:
        elements = [element for element in run.elements if not element.in_sidebar]
        if self.result_after is not None:
            starts = [position for position, element in enumerate(elements)
                      if element.kind == "heading" and self.result_after in element.text]
            elements = elements[starts[0] + 1:] if starts else []
        return tuple(element.text for element in elements if element.kind in self.result_kinds)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        demo="shop",
        url_path="",  # the landing page
        # Search by words in both languages and a filter. Likes are buttons on product pages,
        # reached by ?product= links, which this client does not follow: not covered here.
        # Each input sets both widgets: a session keeps its widgets' values from one input to the next.
        inputs=({"shop_search": "红色连衣裙", "shop_kinds": []}, {"shop_search": "a black hat", "shop_kinds": []},
                {"shop_search": "", "shop_kinds": ["dress"]}),
        # Captions are markdown: the cards' prices, the search note, the count. "Recommended for
        # you" above the grid follows the session's likes (scenario shop-likes), so it is not compared.
        result_kinds=("markdown",),
        result_after="All products",
    ),
    Scenario(
        demo="shop-likes",
        url_path="",
        query="product=P003",  # a dress with reviews: the product page, opened by its link
        # Like it, then take the like back, so every visit finds the page as the last one left it.
        inputs=({}, {}),
        clicks=("shop_like", "shop_unlike"),
        # Tags, "Looks like this", "also liked" and the reviews with their verdicts: the same for
        # every visitor.
        result_kinds=("markdown",),
    ),
    Scenario(
        demo="recommendations",
        url_path="recommend",
        # The page opens on the hybrid method, where alpha is enabled; each input sets both widgets.
        inputs=(
            {"recsys_shopper": "Ana", "recsys_alpha": 0.2},
            {"recsys_shopper": "Dev", "recsys_alpha": 0.8},
            {"recsys_shopper": "Grace", "recsys_alpha": 0.5},
        ),
        # The signal note, the product cards with their scores and reasons, and the charts' data.
        result_kinds=("info", "warning", "markdown", "vega_lite_chart"),
    ),
    Scenario(
        demo="images",
        url_path="images",
        inputs=({"image_sample": "shoes 1"}, {"image_sample": "pants 2"}, {"image_sample": "dress 1"}),
        # The predicted class, its tags, the similar products and the top-3 probabilities' chart data.
        result_kinds=("heading", "markdown", "vega_lite_chart"),
    ),
    Scenario(
        demo="reviews",
        url_path="reviews",
        inputs=(
            {"review_text": "Great quality, fits perfectly and the colour is lovely. Would buy again."},
            {"review_text": "Terrible. It ripped the first day and the seller never answered."},
            {"review_text": "Nice fabric but it runs large; I had to return it."},
        ),
        # Verdicts, P(positive) bars and the attention highlight of both models.
        result_kinds=("markdown", "progress", "info", "warning"),
    ),
)


@dataclass(frozen=True)
class LabTraining:
    """A training started from a lab page: the widgets to set, then the buttons that start and stop it."""

    url_path: str
    settings: dict[str, object]  # widget values by user key, set in the same rerun as the Train click
    train: str  # button keys
    stop: str


# The learned recommender at the page's default settings, for as many epochs as the page allows
# and at full speed (a few seconds on 2 cores, so the bench presses Train again whenever a run
# finishes).
LAB_TRAINING = LabTraining(
    url_path="lab",
    settings={"lab_factors": RECOMMENDER.factors, "lab_regularisation": RECOMMENDER.regularisation,
              "lab_learning_rate": RECOMMENDER.learning_rate, "lab_epochs": 5000, "lab_pace": 0.0},
    train="lab_train",
    stop="lab_stop",
)
