"""A file is imported with Arrow allocating through the C library's allocator (freed blocks go
back to the system, a lower peak of resident memory); the process's default pool is restored
afterwards, also after an error and when imports nest."""

from __future__ import annotations

import pyarrow as pa
import pytest

import kpis.io.readers as readers
from kpis.io.columns import system_allocator
from kpis.io.pipeline import import_file

MAPPING = (
    "table: contacts\ncolumns:\n"
    '  contact_id: "Id"\n  started_at: "Date"\n  canal: "Canal"\n'
    'formats:\n  started_at: "%d/%m/%Y %H:%M"\n'
)


def test_nested_and_failing_calls_restore_the_pool():
    before = pa.default_memory_pool().backend_name
    seen = []

    @system_allocator
    def inner():
        seen.append(pa.default_memory_pool().backend_name)

    @system_allocator
    def outer(fail: bool):
        inner()
        seen.append(pa.default_memory_pool().backend_name)
        if fail:
            raise ValueError("boom")

    outer(False)
    with pytest.raises(ValueError):
        outer(True)
    assert seen == ["system"] * 4
    assert pa.default_memory_pool().backend_name == before


def test_import_parses_with_the_system_pool(monkeypatch):
    seen = []
    real = readers._to_frame

    def spy(table):
        seen.append(pa.default_memory_pool().backend_name)
        return real(table)

    monkeypatch.setattr(readers, "_to_frame", spy)
    data = b"Id;Date;Canal\nC1;02/01/2026 09:15;email\nC2;02/01/2026 10:00;chat\n"
    res = import_file(data, "c.csv", mapping=MAPPING)
    assert res.report["rows_used"] == 2
    assert seen == ["system"]
