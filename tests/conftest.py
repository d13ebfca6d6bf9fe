"""Shared test helpers: where the public datasets are, and small file builders."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SHARED_REASON = (
    "../shared/data absent: the public datasets live beside the repo only in the dev/CI workspace"
)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(SHARED_REASON)
    return SHARED_DATA


def french_csv(
    rows: list[list[str]], encoding: str = "utf-8", bom: bool = False, newline: str = "\r\n"
) -> bytes:
    """A French-style CSV: ';' separator, values written as given (decimal commas included)."""
    text = newline.join(";".join(r) for r in rows) + newline
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data
