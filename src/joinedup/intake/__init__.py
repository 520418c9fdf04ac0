"""Intake: the faithful store of what each agency sent, in the exchange format."""
