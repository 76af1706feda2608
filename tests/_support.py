"""Helpers the tests import (fixtures live in conftest.py).

Imported as ``_support`` (pytest puts ``tests/`` on ``sys.path``), so every test
module and conftest share one instance of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from eduscrape._net import free_port, wait_for_port

__all__ = [
    "PROJECT_DIR",
    "SHARED_DATA",
    "crawl_env",
    "free_port",
    "scrapy_command",
    "shared_data",
    "wait_for_port",
]

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Every crawl of the tests targets our own servers on loopback: no politeness delays
# (the polite defaults of eduscrape/settings.py have their own test).
LOOPBACK_SETTINGS = "eduscrape.demo.settings"
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", LOOPBACK_SETTINGS)
SHARED_DATA = (PROJECT_DIR.parent / "shared" / "data").resolve()


def shared_data(*parts: str) -> Path:
    """Path under ../shared/data; skips the test with a clear reason when absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"evaluation data not available: {path} (../shared/data is not checked out here)"
        )
    return path


def crawl_env(mongo_uri: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "EDUSCRAPE_"))}
    if mongo_uri:
        env["MONGO_URI"] = mongo_uri
    env["PYTHONPATH"] = str(PROJECT_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def scrapy_command(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m scrapy ARGS`` in the project (a real process); output as text."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=PROJECT_DIR,
        env=crawl_env(None) if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
