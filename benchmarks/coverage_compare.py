"""Coverage of the standardised provider comparison: planted cells, seeded replicates.

    python -m benchmarks.coverage_compare [--replicates 100] [--seed 0]

Each scenario plants FCR rates per cell (motif × canal × niveau) with a true gap of 5 points
between providers A and B in every cell; the cell counts are fixed, so the pooled weights and the
true standardised values are known: ``Σ_c W_c · rate_pc`` over the common support. Each replicate
draws the resolved contacts (binomial per cell) and runs ``compare_providers`` at its defaults
(min_cell 30, k = 30). Printed as a markdown table: mean estimate, bias, sd, mean half-width of
the 95 % interval and the share of intervals that cover the true value.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from kpis.compare import compare_providers

T0 = pd.Timestamp("2024-03-04 09:00")

# (motif, canal, niveau): (B's true rate %, n A, n B); A's rate is B's + 5 everywhere
SCENARIOS = {
    "dense (≥ 100 per cell)": {
        ("M1", "telephone", "N1"): (60, 300, 100),
        ("M1", "chat", "N1"): (85, 100, 300),
        ("M2", "telephone", "N1"): (40, 200, 200),
        ("M2", "chat", "N1"): (20, 100, 300),
    },
    "sparse cells (8–15 for A)": {
        ("M1", "telephone", "N1"): (60, 300, 100),
        ("M1", "chat", "N1"): (90, 15, 250),
        ("M1", "email", "N1"): (20, 8, 40),
        ("M2", "telephone", "N1"): (50, 300, 100),
        ("M2", "chat", "N1"): (85, 15, 250),
        ("M2", "email", "N1"): (15, 8, 40),
    },
    "niveau: only A has N2 (support 70 %)": {
        ("M1", "telephone", "N1"): (60, 200, 300),
        ("M1", "telephone", "N2"): (30, 300, 0),
        ("M2", "telephone", "N1"): (80, 100, 400),
        ("M2", "chat", "N1"): (70, 12, 200),
    },
}
GAP = 5.0


def replicate(cells: dict, rng) -> pd.DataFrame:
    parts = []
    for (motif, canal, niveau), (rate, n_a, n_b) in cells.items():
        for prov, n, r in (("A", n_a, rate + GAP), ("B", n_b, rate)):
            if n:
                k = rng.binomial(n, r / 100)
                parts.append(
                    pd.DataFrame(
                        {
                            "provider": prov,
                            "motif": motif,
                            "canal": canal,
                            "niveau": niveau,
                            "resolved_first_contact": np.arange(n) < k,
                        }
                    )
                )
    df = pd.concat(parts, ignore_index=True)
    for c in ("provider", "motif", "canal", "niveau"):
        df[c] = df[c].astype("category")
    df["resolved_first_contact"] = df["resolved_first_contact"].astype("boolean")
    df["started_at"] = T0 + pd.to_timedelta(np.arange(len(df)), unit="min")
    df["_row"] = np.arange(2, len(df) + 2)
    return df


def truth(cells: dict) -> tuple[float, float]:
    """True standardised values of A and B over the common support (cells both have)."""
    sup = {c: v for c, v in cells.items() if v[1] > 0 and v[2] > 0}
    n = np.array([v[1] + v[2] for v in sup.values()], float)
    w = n / n.sum()
    rate = np.array([v[0] for v in sup.values()], float)
    return float(w @ (rate + GAP)), float(w @ rate)


def run(replicates: int, seed: int) -> list[dict]:
    rows = []
    for name, cells in SCENARIOS.items():
        rng = np.random.default_rng(seed)
        ta, tb = truth(cells)
        est = {"A": [], "B": [], "A − B": []}
        half = {"A": [], "B": [], "A − B": []}
        raw = []
        for _ in range(replicates):
            comp = compare_providers({"contacts": replicate(cells, rng)}, ["fcr"])
            t = comp.table.set_index("provider")
            for p in ("A", "B"):
                est[p].append(t.loc[p, "std_value"])
                half[p].append((t.loc[p, "std_ci_high"] - t.loc[p, "std_ci_low"]) / 2)
            pw = comp.pairwise.set_index("basis")
            est["A − B"].append(pw.loc["std", "diff"])
            half["A − B"].append(1.959963984540054 * pw.loc["std", "se"])
            raw.append(pw.loc["raw", "diff"])
        for q, true in (("A", ta), ("B", tb), ("A − B", GAP)):
            e, h = np.array(est[q], float), np.array(half[q], float)
            rows.append(
                {
                    "scenario": name,
                    "quantity": q,
                    "true": true,
                    "mean": e.mean(),
                    "bias": e.mean() - true,
                    "sd": e.std(ddof=1),
                    "half_width": h.mean(),
                    "coverage": float(np.mean(np.abs(e - true) <= h)),
                    "raw_gap": float(np.mean(raw)) if q == "A − B" else np.nan,
                }
            )
    return rows


def markdown(rows: list[dict], replicates: int) -> str:
    head = (
        "| scénario | quantité | vraie valeur | moyenne estimée | biais | écart-type | "
        "demi-largeur IC | couverture IC 95 % | écart brut moyen |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [head]
    for r in rows:
        raw = "" if r["raw_gap"] != r["raw_gap"] else f"{r['raw_gap']:.2f}"
        lines.append(
            f"| {r['scenario']} | {r['quantity']} | {r['true']:.2f} | {r['mean']:.2f} | "
            f"{r['bias']:+.2f} | {r['sd']:.2f} | {r['half_width']:.2f} | "
            f"{100 * r['coverage']:.0f} % | {raw} |"
        )
    lines.append(f"\n{replicates} réplications par scénario (FCR, points de %).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicates", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    rows = run(args.replicates, args.seed)
    print(markdown(rows, args.replicates))
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
