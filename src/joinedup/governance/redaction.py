"""What a subject access export withholds, and how it counts what it withheld.

The rule (docs/governance.md, "Redaction"):
- the data subject (and anyone merged into them) and the requester are disclosed in full;
- every other person a record names (other children, adults who are not the requester) is a
  third party: kept only as their role and relationship, with name, date of birth, identifiers
  and address withheld;
- professionals acting in their role (a record's author, a referrer from an agency, the
  workers who recorded casework) are disclosed, as the ICO's guidance expects of staff;
- a member of the public or the family who made a contact is a third party;
- a protected identity (governance.protection) is withheld always, whoever it is;
- in free text, the names of the people withheld are replaced by "[withheld]", except a word
  that is also one of the data subject's or requester's own names (a shared family name).
Free text can name people in ways no rule finds: the export is for a human to review before
release, and the manifest says so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

THIRD_PARTY = "third_party"
PROTECTED = "protected_identity"
IN_TEXT = "names_in_free_text"
WITHHELD = "[withheld]"
REASONS = {
    THIRD_PARTY: "a person other than the data subject and the requester",
    PROTECTED: "an informant whose identity is protected",
    IN_TEXT: "a withheld person's name inside free text",
}


@dataclass
class Redactor:
    """Collects the names to withhold, then withholds them in free text, counting each."""

    own_words: set[str]  # the data subject's and requester's own names, lower case
    names: set[str] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)
    placeholder: str = WITHHELD
    _pattern: re.Pattern[str] | None = None

    def withhold(self, reason: str, *names: str | None) -> dict[str, str]:
        """Count one withheld person and remember their names for free text."""
        self.counts[reason] += 1
        for name in names:
            for part in _words(name):
                if part.lower() not in self.own_words:
                    self.names.add(part)
            if name and name.strip() and name.strip().lower() not in self.own_words:
                self.names.add(name.strip())
        self._pattern = None
        return {"withheld": reason}

    def text(self, value: str | None) -> str | None:
        if not value or not self.names:
            return value
        if self._pattern is None:
            ordered = sorted(self.names, key=len, reverse=True)
            alternatives = "|".join(re.escape(n) for n in ordered)
            self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        replaced, found = self._pattern.subn(self.placeholder, value)
        self.counts[IN_TEXT] += found
        return replaced


def own_words(names: Iterable[str | None]) -> set[str]:
    return {part.lower() for name in names for part in _words(name)}


def _words(name: str | None) -> list[str]:
    return [w for w in re.split(r"[\s,]+", name or "") if len(w) > 1]
