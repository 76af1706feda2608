"""mypy over eduscrape (configured in pyproject.toml): CI fails on a type error."""

from __future__ import annotations

import os
import subprocess
import sys

from _support import PROJECT_DIR


def test_mypy_reports_no_error_in_eduscrape():
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "eduscrape"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, f"mypy eduscrape failed:\n{proc.stdout}{proc.stderr}"
    assert "Success: no issues found" in proc.stdout
