"""A child's chronology over JSON: GET /api/v1/persons/{id}/chronology."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["children"])
