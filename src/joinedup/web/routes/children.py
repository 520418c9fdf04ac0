"""The joined-up child: the child page, the chronology, marks and exports (/children/{id})."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
