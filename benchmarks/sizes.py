"""The command line shared by the benchmarks: one subprocess per size (so one size's memory does
not weigh on the next), each printing its result as one JSON line."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable


def results_per_size(
    argv, doc: str, module: str, run_size: Callable[[int, int], dict], sizes: str, repeat: int
) -> list[dict] | None:
    """Parse ``--sizes`` / ``--repeat``; run ``module`` once per size in a subprocess and return
    the results (each also printed as it comes). Inside such a subprocess (``--one N``): print
    ``run_size(N, repeat)`` as JSON and return None."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--sizes", default=sizes)
    ap.add_argument("--repeat", type=int, default=repeat)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_size(args.one, args.repeat)))
        return None
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, "-m", module, "--one", str(n), "--repeat", str(args.repeat)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows
