"""ShopDL core: data, models, training and recommendation maths behind the Streamlit demo.

Plain Python, NumPy, pandas, PyTorch and Pillow. Only the ``shopdl_core.ui`` subpackage
imports Streamlit.
"""

__version__ = "0.1.0"
