"""Charts as PNG: Vega-Lite specs rendered offline by vl-convert.

Every string in the spec — data values, field names, titles, axis labels, legends — passes
``clean_text`` first: vl-convert draws text through an SVG parser that aborts the whole process
(not an exception: exit code 134) on a character XML refuses, such as ``\\x01`` or U+FFFE in a
motif. ``allowed_base_urls=[]``: no network request, even for a spec that names a URL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kpis.deliverables.text import clean_text


def clean_spec(node: Any) -> Any:
    """A copy of a JSON-like spec with every string (keys included) cleaned."""
    if isinstance(node, str):
        return clean_text(node)
    if isinstance(node, Mapping):
        return {clean_text(k): clean_spec(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [clean_spec(v) for v in node]
    return node


def chart_png(spec: Mapping | None, scale: float = 2.0, lang: str = "fr") -> bytes | None:
    """PNG of a Vega-Lite spec, rendered offline (no URL allowed); None if it cannot render."""
    if not spec:
        return None
    import vl_convert as vlc

    try:
        return vlc.vegalite_to_png(
            clean_spec(spec),
            scale=scale,
            allowed_base_urls=[],
            format_locale="fr-FR" if lang == "fr" else "en-US",
        )
    except Exception:  # a spec the renderer refuses: the deliverable is written without it
        return None


def result_pngs(results: Sequence, lang: str, scale: float = 2.0) -> list[bytes | None]:
    """One PNG (or None) per cell result, from its ``chart`` spec."""
    return [chart_png(getattr(r, "chart", None), scale=scale, lang=lang) for r in results]
