"""Runs check, compute, findings and report on one file in one process (the import cost is paid
once) and prints one JSON line per command: exit code, stdout, stderr. Used by
tests/test_fuzz_corpus.py in a subprocess with a timeout, so a hang or an abort fails a test
instead of the run."""

import contextlib
import io
import json
import sys

from kpis.cli import main

path, out_dir = sys.argv[1], sys.argv[2]
commands = {
    "check": ["check", path, "--format", "json"],
    "compute": ["compute", path, "--kpi", "all", "--by", "motif", "--format", "csv"],
    "findings": ["findings", path, "--format", "json"],
    "report": ["report", path, "--out", f"{out_dir}/audit.xlsx"],
}
for name, argv in commands.items():
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code
    print(json.dumps({"cmd": name, "code": code, "out": out.getvalue(), "err": err.getvalue()}))
    sys.stdout.flush()
