"""The envelope of every list: a page of items and where it sits in the whole."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Page(BaseModel):
    total: int = Field(description="How many match, over all pages.")
    offset: int
    limit: int
