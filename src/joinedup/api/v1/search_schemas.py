"""The shape of a search for a child over JSON: enough to choose the right child, no more."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from joinedup.people.views import ChildMatch, SearchResults


class ChildMatchOut(BaseModel):
    person_id: int = Field(description="The child's person id: GET /api/v1/persons/{id}.")
    kind: Literal["child", "unborn"]
    name: str | None = Field(description="The name most often recorded, as recorded.")
    other_names: bool = Field(description="Whether the child is recorded under other names too.")
    date_of_birth: str | None = Field(
        description="As precisely as known: YYYY-MM-DD, YYYY-MM or YYYY.",
        examples=["2016-04-07", "2015-05"],
    )
    sex: Literal["F", "M"] | None
    postcode_district: str | None = Field(
        description="The outward code of the latest address's postcode, never the whole postcode.",
        examples=["LS1"],
    )
    agencies: int = Field(description="How many agencies know the child.")

    @classmethod
    def of(cls, match: ChildMatch) -> ChildMatchOut:
        return cls(
            person_id=match.person_id,
            kind="unborn" if match.kind == "unborn" else "child",
            name=match.name,
            other_names=match.other_names,
            date_of_birth=match.date_of_birth,
            sex="F" if match.sex == "F" else "M" if match.sex == "M" else None,
            postcode_district=match.district,
            agencies=match.agencies,
        )


class ChildSearchOut(BaseModel):
    items: list[ChildMatchOut] = Field(description="Best match first.")
    more: bool = Field(description="There may be more matching children: refine the search.")
    limit: int
    fields: list[str] = Field(description="The parameters searched on.")

    @classmethod
    def of(cls, results: SearchResults) -> ChildSearchOut:
        return cls(
            items=[ChildMatchOut.of(m) for m in results.items],
            more=results.more,
            limit=results.limit,
            fields=results.fields,
        )
