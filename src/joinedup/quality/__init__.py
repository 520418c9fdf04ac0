"""Practice quality and learning: case audits, and serious incidents with their reviews."""
