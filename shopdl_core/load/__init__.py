"""Load testing: run the app as a real server and drive many sessions over its own websocket protocol.

``server`` starts and stops ``streamlit run app.py`` on loopback, ``shopdl_core.ui.session_client``
speaks Streamlit's protocol as a browser tab would (it lives in ``ui``, the package's only
Streamlit-aware code, since it reads Streamlit's protobuf messages), ``scenarios`` names the demo interactions and the lab training,
``trainings`` keeps lab trainings going during a bench, ``bench`` runs many sessions at once and
``cli`` adds ``python -m shopdl_core bench app``.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run_async(coroutine):
    """Run ``coroutine`` to completion on a fresh event loop in its own thread, return its result.

    Works whether or not the caller's thread already runs a loop (pytest with Playwright's sync
    API does, and ``asyncio.run`` refuses to nest).
    """
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()
