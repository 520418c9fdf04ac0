"""Joined Up: multi-agency child safeguarding for England."""

__version__ = "0.1.0"
