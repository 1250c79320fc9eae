"""The only Streamlit code in shopdl_core: cached loaders and shared widgets for the pages."""
