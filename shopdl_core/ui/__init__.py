"""The only Streamlit code in shopdl_core: cached loaders, shared widgets, session state keys, and
the websocket session client the load benches drive the app with (``session_client``,
``session_elements``: it speaks Streamlit's protocol, so it imports Streamlit's messages)."""
