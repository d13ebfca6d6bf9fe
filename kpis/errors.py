"""Typed errors: each carries the file, the column or field, the rows, and a message in fr/en.

The UI and the command line turn any ``PiloteError`` into a readable message in one place; no
traceback reaches a user for a bad file.
"""

from __future__ import annotations

from kpis.format import integer


class PiloteError(Exception):
    """Base error: ``message(lang)`` gives the user-facing text."""

    code = "error"

    def __init__(
        self,
        fr: str,
        en: str,
        *,
        file: str | None = None,
        column: str | None = None,
        rows: list[int] | None = None,
        hint_fr: str = "",
        hint_en: str = "",
    ) -> None:
        super().__init__(en)
        self.fr, self.en = fr, en
        self.file, self.column, self.rows = file, column, rows or []
        self.hint_fr, self.hint_en = hint_fr, hint_en

    def message(self, lang: str = "fr") -> str:
        text, hint = (self.fr, self.hint_fr) if lang == "fr" else (self.en, self.hint_en)
        parts = []
        if self.file:
            parts.append(f"{'Fichier' if lang == 'fr' else 'File'} « {self.file} »")
        if self.column:
            parts.append(f"{'colonne' if lang == 'fr' else 'column'} « {self.column} »")
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:10])
            more = f" (+{len(self.rows) - 10})" if len(self.rows) > 10 else ""
            parts.append(f"{'lignes' if lang == 'fr' else 'rows'} {shown}{more}")
        where = " — ".join(parts)
        out = f"{where} : {text}" if where else text
        return f"{out} {hint}".strip()

    def to_dict(self) -> dict:
        return {
            "error": self.code,
            "file": self.file,
            "column": self.column,
            "rows": self.rows[:100],
            "message_fr": self.message("fr"),
            "message_en": self.message("en"),
        }


class ImportFailed(PiloteError):
    """The file cannot be read at all (empty, binary, unknown format, bad sheet)."""

    code = "import_failed"


class MissingRequiredField(PiloteError):
    """A required canonical field has no source column; names the best candidates."""

    code = "missing_required_field"

    def __init__(self, field: str, *, file: str, candidates: list[str], table: str) -> None:
        cand = ", ".join(f"« {c} »" for c in candidates) or "—"
        super().__init__(
            f"le champ obligatoire « {field} » (table {table}) n'a pas de colonne source. "
            f"Colonnes candidates : {cand}.",
            f"required field '{field}' (table {table}) has no source column. "
            f"Best candidate columns: {cand}.",
            file=file,
            hint_fr="Indiquez la colonne dans le tableau de correspondance ou un mapping.",
            hint_en="Pick the column in the mapping table or in a mapping file.",
        )
        self.field, self.candidates = field, candidates


class MappingError(PiloteError):
    """A mapping file is invalid or names a column that the file does not have."""

    code = "mapping_error"


class UnknownKPIError(PiloteError):
    code = "unknown_kpi"


class TooManySegments(PiloteError):
    """A breakdown has more segments than the engine computes (memory): names the fields."""

    code = "too_many_segments"

    def __init__(self, fields: list[str], segments: int, limit: int) -> None:
        names = ", ".join(f"« {f} »" for f in fields)
        names_en = ", ".join(f"'{f}'" for f in fields)
        super().__init__(
            f"la ventilation par {names} donne {integer(segments, 'fr')} segments, au-delà de "
            f"la limite de {integer(limit, 'fr')} : trop fine pour être calculée.",
            f"the breakdown by {names_en} gives {integer(segments, 'en')} segments, above the "
            f"limit of {integer(limit, 'en')}: too fine to compute.",
            column=fields[0] if len(fields) == 1 else None,
            hint_fr="Choisissez un champ moins détaillé, une période plus longue ou un filtre.",
            hint_en="Pick a coarser field, a longer period or a filter.",
        )
        self.fields, self.segments, self.limit = fields, segments, limit
