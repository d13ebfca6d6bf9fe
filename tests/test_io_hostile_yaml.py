"""Hostile mapping files are refused with a clear message before anything is expanded."""

import pytest

from kpis.errors import MappingError
from kpis.io.mapping import load_mapping
from kpis.io.yaml_limits import MAX_DEPTH, safe_load_limited

LAUGHS = "\n".join(
    ["table: contacts", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{c}: &{c} [{','.join(['*' + p] * 9)}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


def test_billion_laughs_is_refused_by_expanded_size():
    assert len(LAUGHS) < 1200  # a 1 KB document that expands to 9^9 strings
    with pytest.raises(MappingError) as err:
        load_mapping(LAUGHS)
    msg = err.value.message("fr")
    assert "alias" in msg and "refusé" in msg
    assert "alias" in err.value.message("en")


def test_deep_nesting_is_refused():
    deep = "columns: " + "[" * (MAX_DEPTH + 5) + "1" + "]" * (MAX_DEPTH + 5)
    with pytest.raises(MappingError, match="nesting|imbrication"):
        load_mapping(deep)


def test_oversized_file_is_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("table: contacts\n# " + "x" * 600_000 + "\n", encoding="utf-8")
    with pytest.raises(MappingError) as err:
        load_mapping(big)
    assert err.value.file == str(big)


def test_a_few_aliases_in_a_real_mapping_still_load():
    text = (
        "table: contacts\n"
        "columns: {started_at: date, answered: issue, resolved_first_contact: resolu}\n"
        "values:\n"
        "  answered: &yesno {OUI: true, NON: false}\n"
        "  resolved_first_contact: *yesno\n"
    )
    m = load_mapping(text)
    assert m.values["resolved_first_contact"] == m.values["answered"]
    assert safe_load_limited("a: [1, 2]") == {"a": [1, 2]}
