"""``sample_data/settings.json`` is read once (per path and modification time), not once per
caller: a dashboard run used to read it twice (preset targets + engine parameters)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kpis.io import sample  # noqa: E402


@pytest.fixture
def reads(monkeypatch):
    """Count the reads of any ``settings.json`` through Path.read_text."""
    seen: list[str] = []
    real = Path.read_text

    def spy(self, *a, **k):
        if self.name == "settings.json":
            seen.append(str(self))
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "read_text", spy)
    sample._read_settings.cache_clear()
    return seen


def test_read_once_and_each_caller_gets_its_copy(tmp_path, reads):
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"opening_hours": {"spec": "lun-sam 08:00-20:00", "confirmed": True}})
    )
    a = sample.sample_settings(tmp_path)
    assert sample.sample_engine_params(tmp_path) == {"opening_hours": "lun-sam 08:00-20:00"}
    a["opening_hours"]["spec"] = "changé"  # a caller's edit does not leak into the cache
    assert sample.sample_settings(tmp_path)["opening_hours"]["spec"] == "lun-sam 08:00-20:00"
    assert reads == [str(path)]
    path.write_text(json.dumps({"targets": {"csat": 80}}))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # a rewritten file
    assert sample.sample_settings(tmp_path) == {"targets": {"csat": 80}}
    assert len(reads) == 2


def test_a_dashboard_run_reads_settings_once(reads):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("pages/2_Tableau_de_bord.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert [m for m in at.markdown if "notifications" in m.value]  # the preset targets' alerts
    assert reads == [str(sample.SAMPLE_DIR / "settings.json")]
    at.run()
    assert len(reads) == 1
