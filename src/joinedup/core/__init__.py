"""Foundations shared by every domain; imports no domain."""
