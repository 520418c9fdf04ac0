"""Sharing with partners: the information-sharing register (and, with issue 8, the partner view
and notifications)."""
