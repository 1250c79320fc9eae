"""The only Streamlit code in shopdl_core: cached loaders, shared widgets, and
``session_client``, which speaks Streamlit's websocket protocol for the load bench."""
