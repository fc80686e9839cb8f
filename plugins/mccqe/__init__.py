"""The mccqe plugin (being written: registers nothing yet)."""

__version__ = "0.1.0"
