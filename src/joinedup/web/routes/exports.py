"""Exporting a child's chronology as PDF or CSV: the form, and the download it records."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
