"""Shape checks for a mapping file: every key's value has the type it must have, or a typed error
that names the key (``formats.started_at``), what was expected and what was found, fr and en.

Kept apart from ``mapping.py`` (which builds the Mapping) so the rules read as one table.
"""

from __future__ import annotations

from collections.abc import Callable

from kpis.errors import MappingError

UNITS = ("s", "min", "h", "ms", "d")
SCALAR = (str, int, float, bool)


def _kind(value) -> tuple[str, str]:
    if isinstance(value, dict):
        return "un dictionnaire", "a mapping"
    if isinstance(value, list):
        return "une liste", "a list"
    if isinstance(value, bool):
        return "un booléen", "a boolean"
    if isinstance(value, (int, float)):
        return f"le nombre {value}", f"the number {value}"
    if value is None:
        return "une valeur vide", "an empty value"
    return f"« {str(value)[:40]} »", f"'{str(value)[:40]}'"


def _fail(where: str, want_fr: str, want_en: str, value, origin: str) -> MappingError:
    got_fr, got_en = _kind(value)
    return MappingError(
        f"clé « {where} » : attendu {want_fr}, trouvé {got_fr}.",
        f"key '{where}': expected {want_en}, found {got_en}.",
        file=origin,
    )


def _is_text(v) -> bool:
    return isinstance(v, str) and v != ""


def _is_columns(v) -> bool:
    return (
        v is None
        or v == ""
        or _is_text(v)
        or (isinstance(v, list) and bool(v) and all(_is_text(x) for x in v))
    )


def _is_scalar_list(v) -> bool:
    return isinstance(v, SCALAR) or (isinstance(v, list) and all(isinstance(x, SCALAR) for x in v))


def _is_scale(v) -> bool:
    return (
        isinstance(v, list)
        and len(v) == 2
        and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)
        and v[0] < v[1]
    )


def _is_separator(v) -> bool:
    return isinstance(v, str) and (len(v) == 1 and v not in '"\r\n' or v in ("spaces", "space"))


def _is_derive(v) -> bool:
    if not isinstance(v, dict) or len(v) != 1:
        return False
    ((how, cols),) = v.items()
    if how == "diff":
        return isinstance(cols, list) and len(cols) == 2 and all(_is_text(c) for c in cols)
    if how == "date_time":  # a date column, then one or more time-of-day columns
        return isinstance(cols, list) and len(cols) >= 2 and all(_is_text(c) for c in cols)
    return how == "present" and _is_text(cols)


# section -> (check of each entry's value, expected fr, expected en)
PER_FIELD: dict[str, tuple[Callable, str, str]] = {
    "columns": (_is_columns, "un nom de colonne ou une liste de noms", "a column name or a list"),
    "formats": (
        _is_text,
        "un format de date en texte (ex. « %d/%m/%Y %H:%M »)",
        "a date format as text (e.g. '%d/%m/%Y %H:%M')",
    ),
    "values": (
        lambda v: isinstance(v, dict),
        "un dictionnaire valeur source -> valeur",
        "a mapping source value -> value",
    ),
    "missing": (_is_scalar_list, "une liste de valeurs", "a list of values"),
    "drop_rows": (_is_scalar_list, "une liste de valeurs", "a list of values"),
    "constants": (
        lambda v: isinstance(v, SCALAR),
        "une valeur simple (texte, nombre, oui/non)",
        "a plain value (text, number, yes/no)",
    ),
    "units": (
        lambda v: v in UNITS,
        f"une unité parmi {', '.join(UNITS)}",
        f"a unit among {', '.join(UNITS)}",
    ),
    "scales": (
        _is_scale,
        "deux nombres [bas, haut] avec bas < haut",
        "two numbers [low, high] with low < high",
    ),
    "derive": (
        _is_derive,
        "« diff: [fin, début] », « present: colonne » ou « date_time: [date, heure, …] »",
        "'diff: [end, start]', 'present: column' or 'date_time: [date, time, …]'",
    ),
}
READ = {
    "separator": (
        _is_separator,
        "un seul caractère (; , | tabulation) ou « spaces »",
        "one character (; , | tab) or 'spaces'",
    ),
    "encoding": (
        _is_text,
        "un nom d'encodage (ex. utf-8, cp1252)",
        "an encoding name (e.g. utf-8, cp1252)",
    ),
    "sheet": (
        lambda v: _is_text(v) or (isinstance(v, int) and not isinstance(v, bool)),
        "un nom de feuille ou un numéro",
        "a sheet name or number",
    ),
}


def check_shapes(data: dict, origin: str) -> None:
    """Raise MappingError naming the first key whose value has the wrong shape."""
    for section, (ok, fr, en) in PER_FIELD.items():
        entries = data.get(section)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            raise _fail(
                section,
                "un dictionnaire champ -> valeur",
                "a mapping field -> value",
                entries,
                origin,
            )
        for key, value in entries.items():
            if not ok(value):
                raise _fail(f"{section}.{key}", fr, en, value, origin)
    read = data.get("read")
    if read is not None:
        if not isinstance(read, dict):
            raise _fail("read", "un dictionnaire", "a mapping", read, origin)
        for key, value in read.items():
            if key not in READ:
                raise MappingError(
                    f"clé « read.{key} » inconnue ({', '.join(READ)}).",
                    f"unknown key 'read.{key}' ({', '.join(READ)}).",
                    file=origin,
                )
            ok, fr, en = READ[key]
            if not ok(value):
                raise _fail(f"read.{key}", fr, en, value, origin)
    for key in ("items", "match", "normalise"):
        value = data.get(key)
        if value is not None and not (isinstance(value, list) and all(_is_text(x) for x in value)):
            raise _fail(
                key, "une liste de noms de colonnes", "a list of column names", value, origin
            )
    for key in ("name", "description", "table"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise _fail(key, "un texte", "a text", value, origin)
