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


def label_values(node: Any, lang: str, in_data: bool = False) -> Any:
    """A copy of a spec whose inline data values that are canonical codes (``reseaux_sociaux``)
    read as labels ("Réseaux sociaux"), and whose titles drop a " (count)" unit code; field
    names (keys) are left alone."""
    from kpis.deliverables.labels import VALUE_LABELS, value_label

    if in_data and isinstance(node, str):
        return value_label(node, lang) if node in VALUE_LABELS else node
    if isinstance(node, str):
        return node
    if isinstance(node, Mapping):
        data = ("values", "datasets")
        out = {k: label_values(v, lang, in_data or k in data) for k, v in node.items()}
        if isinstance(out.get("title"), str) and out["title"].endswith(" (count)"):
            out["title"] = out["title"][: -len(" (count)")]  # a unit code, not words
        return out
    if isinstance(node, list):
        return [label_values(v, lang, in_data) for v in node]
    return node


def caption(res, lang: str, period: str = "") -> list[str]:
    """What a chart taken out of its page must say: n, the period and the active filters."""
    from kpis import format as fmt
    from kpis.deliverables.labels import field_label, value_label

    fr = lang == "fr"
    colon = " : " if fr else ": "
    parts = []
    if getattr(res, "n", None):
        parts.append(fmt.n_text(res.n, lang))
    elif getattr(res, "population", ""):
        parts.append(res.population)
    if period:
        parts.append(("Période" if fr else "Period") + colon + period)
    filters = getattr(res, "filters", None) or {}
    shown = [
        f"{field_label(str(k), lang)} = "
        + ", ".join(value_label(x, lang) for x in (v if isinstance(v, (list, tuple)) else [v]))
        for k, v in filters.items()
    ]
    none = "aucun" if fr else "none"
    parts.append(("Filtres" if fr else "Filters") + colon + ("; ".join(shown) or none))
    return [" · ".join(parts)]


def titled(spec: Mapping, title: str, lines: Sequence[str]) -> dict:
    """The spec with ``title`` as its title and ``lines`` (after its own title) as subtitle."""
    spec = dict(spec)
    old = spec.get("title")
    old = old.get("text") if isinstance(old, Mapping) else old
    old = " ".join(old) if isinstance(old, list) else (old or "")
    sub = ([old] if old and old.lower() not in (title or "").lower() else []) + list(lines)
    spec["title"] = {
        "text": title or old,
        "subtitle": sub,
        "anchor": "start",
        "fontSize": 15,
        "subtitleFontSize": 12,
        "subtitleColor": "#4a5562",
    }
    return spec


def image_spec(spec: Mapping, lang: str, title: str = "", lines: Sequence[str] = ()) -> Mapping:
    """The spec an image is drawn from: value codes as labels, title and caption drawn in."""
    if not (title or lines):
        return spec
    return titled(label_values(spec, lang), title, lines)


def row_panels(spec: Mapping | None) -> int:
    """How many panels a chart faceted in rows (one per KPI) stacks; 0 for another chart."""
    facet = (spec or {}).get("facet")
    if not isinstance(facet, Mapping) or set(facet) != {"row"} or "spec" not in spec:
        return 0
    field = facet["row"].get("field")
    data = spec.get("data") or {}
    values = data.get("values")
    if values is None and data.get("name"):
        values = (spec.get("datasets") or {}).get(data["name"])
    return len({row.get(field) for row in values or [] if isinstance(row, Mapping)})


def panel_grid(spec: Mapping, columns: int = 2, width: int = 440) -> dict:
    """A chart faceted in rows as a grid of ``columns`` panels, each titled on top with its
    row value (the KPI's name) in a readable size: a stack of six thin panels becomes 3 × 2
    (a slide is wider than tall)."""
    facet = dict(spec["facet"]["row"])
    header = {k: v for k, v in (facet.get("header") or {}).items() if k != "labelAngle"}
    facet["header"] = {
        **header,
        "labelOrient": "top",
        "labelAnchor": "start",
        "labelAlign": "left",
        "labelFontSize": 15,
        "labelFontWeight": "bold",
        "labelLimit": width + 80,
    }
    out = {k: v for k, v in spec.items() if k != "facet"}
    out["facet"] = facet
    out["columns"] = columns
    out["spec"] = {**spec["spec"], "width": width}
    config = dict(out.get("config") or {})
    config["axis"] = {**(config.get("axis") or {}), "labelFontSize": 13, "titleFontSize": 13}
    config["legend"] = {**(config.get("legend") or {}), "labelFontSize": 13}
    out["config"] = config
    return out


def chart_png(
    spec: Mapping | None,
    scale: float = 2.0,
    lang: str = "fr",
    *,
    title: str = "",
    caption_lines: Sequence[str] = (),
) -> bytes | None:
    """PNG of a Vega-Lite spec, rendered offline (no URL allowed); None if it cannot render.

    ``title`` and ``caption_lines`` (n, period, filters) are drawn in the image, so a chart
    taken out of the deliverable still says what it shows."""
    if not spec:
        return None
    import vl_convert as vlc

    spec = image_spec(spec, lang, title, caption_lines)
    try:
        return vlc.vegalite_to_png(
            clean_spec(spec),
            scale=scale,
            allowed_base_urls=[],
            format_locale="fr-FR" if lang == "fr" else "en-US",
        )
    except Exception:  # a spec the renderer refuses: the deliverable is written without it
        return None


def result_pngs(
    results: Sequence, lang: str, scale: float = 2.0, period: str = "", grid: bool = False
) -> list[bytes | None]:
    """One PNG (or None) per cell result, from its ``chart`` spec, titled with the cell's title,
    n, period and filters; ``grid``: a chart of more than two panels in rows drawn as a grid
    (``panel_grid``, for a slide)."""

    def spec(r):
        s = getattr(r, "chart", None)
        return panel_grid(s) if grid and row_panels(s) > 2 else s

    return [
        chart_png(
            spec(r),
            scale=scale,
            lang=lang,
            title=getattr(r, "title", ""),
            caption_lines=caption(r, lang, period),
        )
        for r in results
    ]
