"""Load testing: run the app as a real server and drive many sessions over its own websocket protocol.

``server`` starts and stops ``streamlit run app.py`` on loopback, ``client`` speaks Streamlit's
protocol as a browser tab would, ``scenarios`` names the demo interactions, ``bench`` runs many
sessions at once and ``cli`` adds ``python -m shopdl_core bench app``.
"""
