"""Typed errors of the provider comparison."""

from __future__ import annotations

from collections.abc import Sequence

from kpis.errors import PiloteError


class CompareError(PiloteError):
    """The comparison cannot be made (no provider field, fewer than two providers…)."""

    code = "compare_error"


class NoProviderField(CompareError):
    code = "no_provider_field"

    def __init__(self, field_name: str) -> None:
        super().__init__(
            f"aucune colonne « {field_name} » : la comparaison demande un champ prestataire "
            "(ou un fichier par prestataire avec son libellé à l'import).",
            f"no '{field_name}' column: the comparison needs a provider field "
            "(or one file per provider, labelled at import).",
            column=field_name,
        )


class TooFewProviders(CompareError):
    code = "too_few_providers"

    def __init__(self, found: Sequence[str]) -> None:
        names = ", ".join(map(str, found)) or "—"
        super().__init__(
            f"il faut au moins deux prestataires à comparer (trouvés : {names}).",
            f"at least two providers are needed (found: {names}).",
        )
