"""Property: any bytes give either an import report or a typed import error, never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpis.errors import PiloteError
from kpis.io.pipeline import import_file

GOOD = (
    "Date d'appel;Canal;Motif;Décroché;Temps d'attente;Durée de communication;Id client\r\n"
    "02/01/2026 09:15:00;Téléphone;Facturation;oui;12;245,5;CLI-001\r\n"
    "02/01/2026 10:00:00;Mail;Réclamation;non;95;;CLI-002\r\n"
    '13/01/2026 17:45:30;Tchat;"Livraison\r\nsuite";Oui;0;60;CLI-001\r\n'
)


def _check(data: bytes, name: str = "fuzz.csv") -> None:
    try:
        res = import_file(data, name, key=b"f" * 32)
    except PiloteError as exc:
        assert exc.message("fr") and exc.message("en")
        return
    rep = res.report
    assert rep["rows_in"] == rep["rows_used"] + rep["rows_set_aside"]
    assert len(res.data) == rep["rows_used"]
    assert sum(rep["set_aside"].values()) == rep["rows_set_aside"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    _check(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cuts=st.lists(st.integers(0, len(GOOD.encode()) - 1), max_size=6),
    inserts=st.lists(
        st.tuples(
            st.integers(0, len(GOOD.encode())),
            st.sampled_from([b";", b'"', b"\r\n", b"\n", b"\x00", b"\xe9", b",", b";;;"]),
        ),
        max_size=6,
    ),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
)
def test_mangled_csv(cuts, inserts, encoding):
    data = bytearray(GOOD.encode(encoding))
    for pos in sorted(set(cuts), reverse=True):
        if pos < len(data):
            del data[pos]
    for pos, chunk in sorted(inserts, reverse=True):
        data[min(pos, len(data)) : min(pos, len(data))] = chunk
    _check(bytes(data))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_named_as_workbooks(data):
    _check(b"PK\x03\x04" + data, "fuzz.xlsx")
    _check(b"PAR1" + data, "fuzz.parquet")
