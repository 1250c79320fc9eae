"""Settings a presenter chose that must survive a visit to another page.

Streamlit forgets a widget's value when a run does not draw the widget, so going to another page
and back resets it. Saving the value again at the start of every run (before the page draws
anything) keeps it, as Streamlit's docs advise for multipage apps. Only settings are listed:
buttons, uploads and the rating editor (which keeps its own edits) cannot or need not be kept.
Each page owns the keys with its prefix.
"""

from __future__ import annotations

import streamlit as st

PAGE_SETTINGS: tuple[str, ...] = (
    # Recommendations
    "recsys_shopper", "recsys_method", "recsys_alpha", "recsys_top_n", "recsys_k", "recsys_similarity",
    # Product photos
    "image_source", "image_sample", "image_heat_map", "vision_model", "image_search",
    # Review sentiment
    "review_text", "review_column", "review_batch_model",
    # Model lab
    "lab_photo_classes", "lab_photo_share", "lab_photo_noise", "lab_photo_head", "lab_photo_learning_rate",
    "lab_photo_epochs", "lab_photo_weight_decay", "lab_photo_pace",
    "lab_factors", "lab_regularisation", "lab_learning_rate", "lab_epochs", "lab_pace", "lab_shopper",
    # Shop
    "shop_kinds", "shop_colours", "shop_price", "shop_search",
)


def keep_page_settings() -> None:
    """Call once per run, before the page: re-save every listed setting the session holds."""
    for key in PAGE_SETTINGS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
