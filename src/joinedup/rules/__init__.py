"""Cumulative-concern prompts: small declarative rules over a child's joined-up time line."""
