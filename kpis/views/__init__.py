"""Views: one declared object per analysis (dashboard, explorer, hours and slots (intraday),
the nine ready-made cross-analyses and the free pairing, quality, verbatims, findings, provider
comparison), each ``run(tables, params, settings) -> ViewResult``. Pages draw the result
(``ui.render``); notebook cells and deliverables re-run the same view (``kpis.views.runner``).
No Streamlit here.

``REGISTRY``: view id → ``View``; cross-analyses are ``cross.<analysis>`` (``cross.free`` for
the free pairing).
"""

from __future__ import annotations

from kpis.views import (
    comparison,
    cross,
    dashboard,
    explorer,
    findings,
    intraday,
    quality,
    verbatims,
)
from kpis.views.base import Input, NotAvailable, View, ViewResult

REGISTRY: dict[str, View] = {
    v.id: v
    for v in (
        dashboard.VIEW,
        explorer.VIEW,
        intraday.VIEW,
        *cross.VIEWS.values(),
        quality.VIEW,
        verbatims.VIEW,
        findings.VIEW,
        comparison.VIEW,
    )
}


def get(view_id: str) -> View:
    """The view ``view_id`` (KeyError naming the known ids otherwise)."""
    try:
        return REGISTRY[view_id]
    except KeyError:
        raise KeyError(f"unknown view '{view_id}': {', '.join(REGISTRY)}") from None


__all__ = ["REGISTRY", "Input", "NotAvailable", "View", "ViewResult", "get"]
