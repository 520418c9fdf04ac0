"""The collection year of a statutory return: 1 April to 31 March, named by the year it ends.

`collection_year(2026)` is 1 April 2025 to 31 March 2026 (the DfE's "2025-26" collection,
whose CIN census `<Year>` is 2026). A year outside the range Joined Up can hold records for is
refused with a `ValidationFailed` naming the field, so every return says the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from joinedup.core.errors import FieldError, ValidationFailed

EARLIEST, LATEST = 2000, 2100


@dataclass(frozen=True)
class CollectionYear:
    """The year a collection ends (`year`), its first day and its last (the reference date)."""

    year: int
    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def ended_by(self, day: date) -> bool:
        """Whether the year is over on `day` (its reference date has passed): until then a
        return for it is the year so far."""
        return self.end < day

    @property
    def label(self) -> str:
        """The DfE's name for it: "2025-26" for the year ending in 2026."""
        return f"{self.year - 1}-{self.year % 100:02d}"


def collection_year(year: int) -> CollectionYear:
    """1 April of `year - 1` to 31 March of `year`, or ValidationFailed for an unlikely year."""
    if not isinstance(year, int) or isinstance(year, bool) or not EARLIEST <= year <= LATEST:
        raise ValidationFailed(
            "Not a collection year",
            [
                FieldError(
                    "year",
                    f"the year the collection ends, from {EARLIEST} to {LATEST} "
                    f"(2026 is 1 April 2025 to 31 March 2026); got {year!r}",
                )
            ],
        )
    return CollectionYear(year, date(year - 1, 4, 1), date(year, 3, 31))
