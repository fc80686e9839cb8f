"""Thin front ends over `core.pipeline`: the `retake` command line and the Streamlit dashboard."""
