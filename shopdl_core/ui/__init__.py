"""The only Streamlit code in shopdl_core besides the load bench's protocol client
(``load/session_client.py``): cached loaders, shared widgets and session state keys."""
