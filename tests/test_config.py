"""Typed component configuration (eduscrape.config)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from scrapy.settings import Settings

from eduscrape import settings as project_settings
from eduscrape.config import default, from_settings, setting
from eduscrape.middlewares.retry_after import RetryAfterConfig


@dataclass(frozen=True)
class _Example:
    times: int = setting("RETRY_AFTER_TIMES")
    backoff: float = setting("RETRY_AFTER_BACKOFF")
    codes: list[int] = setting("RETRY_AFTER_HTTP_CODES")
    summary: bool = setting("EDUSCRAPE_SUMMARY")
    stats_file: str | None = setting("EDUSCRAPE_STATS_FILE")


def test_missing_settings_fall_back_to_the_declared_defaults() -> None:
    config = from_settings(_Example, Settings())
    assert config.times == project_settings.RETRY_AFTER_TIMES
    assert config.backoff == project_settings.RETRY_AFTER_BACKOFF
    assert config.codes == project_settings.RETRY_AFTER_HTTP_CODES


def test_command_line_strings_are_converted_by_the_field_type() -> None:
    # `scrapy crawl -s NAME=VALUE` gives strings.
    config = from_settings(
        _Example,
        Settings(
            {
                "RETRY_AFTER_TIMES": "7",
                "RETRY_AFTER_BACKOFF": "0.25",
                "RETRY_AFTER_HTTP_CODES": "429,503,520",
                "EDUSCRAPE_SUMMARY": "False",
                "EDUSCRAPE_STATS_FILE": "out.json",
            }
        ),
    )
    assert config.times == 7
    assert config.backoff == 0.25
    assert config.codes == ["429", "503", "520"]
    assert config.summary is False
    assert config.stats_file == "out.json"


def test_overrides_win_over_settings() -> None:
    config = from_settings(RetryAfterConfig, Settings({"RETRY_AFTER_TIMES": 9}), times=1)
    assert config.times == 1


def test_a_setting_nobody_declared_is_an_error() -> None:
    @dataclass(frozen=True)
    class _Bad:
        x: int = setting("EDUSCRAPE_NO_SUCH_SETTING")

    with pytest.raises(KeyError, match="EDUSCRAPE_NO_SUCH_SETTING"):
        from_settings(_Bad, Settings())
    with pytest.raises(KeyError):
        default("EDUSCRAPE_NO_SUCH_SETTING")
