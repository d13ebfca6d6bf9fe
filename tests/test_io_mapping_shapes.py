"""A mapping entry of the wrong type is a typed error naming the key, never a crash."""

import pytest

from kpis.errors import MappingError
from kpis.io.mapping import load_mapping

BASE = 'table: contacts\ncolumns: {started_at: "Date du contact"}\n'


@pytest.mark.parametrize(
    "entry, key",
    [
        ("formats: {started_at: [a, b]}", "formats.started_at"),
        ("units: {talk_s: fortnights}", "units.talk_s"),
        ('read: {separator: ";;"}', "read.separator"),
        ("read: {sheet: [1]}", "read.sheet"),
        ("read: {speed: fast}", "read.speed"),
        ("columns: {started_at: 12}", "columns.started_at"),
        ("missing: {customer_id: {a: 1}}", "missing.customer_id"),
        ("scales: {csat_score: [5]}", "scales.csat_score"),
        ("scales: {csat_score: [5, 1]}", "scales.csat_score"),
        ("drop_rows: [1, 2]", "drop_rows"),
        ("constants: {canal: [1]}", "constants.canal"),
        ("derive: {talk_s: {diff: 3}}", "derive.talk_s"),
        ("items: 5", "items"),
        ("values: {answered: [1, 2]}", "values.answered"),
    ],
)
def test_wrong_shapes_name_their_key(entry, key):
    text = (
        BASE + entry + "\n"
        if not entry.startswith("columns")
        else ("table: contacts\n" + entry + "\n")
    )
    with pytest.raises(MappingError) as err:
        load_mapping(text)
    assert f"« {key} »" in err.value.message("fr")
    assert f"'{key}'" in err.value.message("en")


def test_right_shapes_load():
    m = load_mapping(
        BASE
        + 'formats: {started_at: "%d/%m/%Y"}\nunits: {talk_s: min}\nread: {separator: "\\t"}\n'
        + 'missing: {customer_id: "0"}\nscales: {csat_score: [1, 5]}\n'
        + "derive: {talk_s: {diff: [fin, debut]}}\n"
    )
    assert m.missing["customer_id"] == ["0"]
    assert m.units["talk_s"] == "min" and m.read["separator"] == "\t"
