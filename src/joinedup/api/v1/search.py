"""Finding a child over JSON: GET /api/v1/persons?…"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["children"])
