"""Rewrite the bundled sample files: ``python -m sample_data [--seed N] [--out DIR]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sample_data.generator import DEFAULT_N_CONTACTS, DEFAULT_SEED, generate, to_french_csv

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data",
        description="Génère les données d'exemple de Pilote (centre de contacts fictif).",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="graine (défaut %(default)s)"
    )
    parser.add_argument(
        "--out", type=Path, default=HERE, help="dossier de sortie (défaut : sample_data/)"
    )
    parser.add_argument(
        "--n-contacts",
        type=int,
        default=DEFAULT_N_CONTACTS,
        help="nombre de contacts visé (défaut %(default)s)",
    )
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    tables = generate(seed=args.seed, n_contacts=args.n_contacts)
    paths = to_french_csv(tables, args.out)
    total = 0
    for p in paths:
        size = p.stat().st_size
        total += size
        print(f"{p.name:28s} {size / 1e6:7.2f} Mo")
    rows = ", ".join(f"{k}={len(v)}" for k, v in tables.items() if k != "truth")
    print(f"total {total / 1e6:.2f} Mo — {rows} — {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
