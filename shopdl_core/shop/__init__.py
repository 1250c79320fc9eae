"""The shop's data: products as the storefront shows them, reviews matched to products, the
reviews' aspect summary, the visitor's signals and the recommendations they feed. No Streamlit."""
