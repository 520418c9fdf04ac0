"""Casework: the front door and the statutory pathway on its legal clocks (DOMAIN.md)."""
