"""Page numbers from query strings, and the links for the GOV.UK pagination component."""

from __future__ import annotations

from urllib.parse import urlencode

PAGE_SIZE = 50
_MAX_PAGE = 1_000_000


def page_number(text: str | None) -> int:
    """`?page=` as a number from 1; anything that is not one (a typo, a probe) reads as page 1."""
    if text and text.isdigit():
        return max(1, min(int(text), _MAX_PAGE))
    return 1


def offset(page: int, size: int = PAGE_SIZE) -> int:
    return (page - 1) * size


def pagination(
    path: str, filters: dict[str, str], page: int, total: int, size: int = PAGE_SIZE
) -> dict[str, object] | None:
    """Parameters for `govukPagination`, or None when everything fits on one page."""
    pages = max(1, -(-total // size))
    if pages == 1:
        return None

    def href(number: int) -> str:
        query = {key: value for key, value in filters.items() if value}
        query["page"] = str(number)
        return f"{path}?{urlencode(query)}"

    items: list[dict[str, object]] = []
    for number in range(1, pages + 1):
        if number in (1, pages) or abs(number - page) <= 1:
            items.append({"number": number, "href": href(number), "current": number == page})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    result: dict[str, object] = {"items": items}
    if page > 1:
        result["previous"] = {"href": href(page - 1)}
    if page < pages:
        result["next"] = {"href": href(page + 1)}
    return result


def showing(page: int, count: int, total: int, size: int = PAGE_SIZE) -> str:
    """`Showing 51 to 100 of 230` for the line above a table."""
    if count == 0:
        return f"Showing 0 of {total:,}"
    first = offset(page, size) + 1
    return f"Showing {first:,} to {first + count - 1:,} of {total:,}"
