"""People: who each mention is. Persons, their identities over time, links, review, households."""
