"""Flows: the functions that own a sequence of work across domains (ADR 0006)."""
