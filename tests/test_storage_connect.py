"""Connection profiles: a job names a profile, the host's environment holds its URI."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from eduscrape._logging import redact
from eduscrape.storage.connect import configured_uri
from eduscrape.storage.uri import BadMongoURI, redact_uri


def test_profile_resolves_from_the_environment_and_wins(monkeypatch) -> None:
    monkeypatch.setenv("EDUSCRAPE_MONGO_URI_PROD_EU", "mongodb://u:pw@db.lan/")
    settings = Settings({"MONGO_PROFILE": "prod-eu", "MONGO_URI": "mongodb://other/"})
    assert configured_uri(settings) == "mongodb://u:pw@db.lan/"


def test_unknown_profile_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.delenv("EDUSCRAPE_MONGO_URI_NOSUCH", raising=False)
    with pytest.raises(BadMongoURI, match="no EDUSCRAPE_MONGO_URI_NOSUCH in the environment"):
        configured_uri(Settings({"MONGO_PROFILE": "nosuch"}))


def test_secret_uri_options_are_redacted() -> None:
    uri = "mongodb://u:pw@h/?replicaSet=rs&authMechanismProperties=AWS_SESSION_TOKEN:tok&w=1"
    expected = "mongodb://u:***@h/?replicaSet=rs&authMechanismProperties=***&w=1"
    assert redact_uri(uri) == expected
    assert redact(f"setting MONGO_URI={uri}") == f"setting MONGO_URI={expected}"
    assert "tok" not in redact("tlsCertificateKeyFilePassword=tok")


def test_crawl_with_unknown_profile_fails_with_one_line(run_spider, demo_url: str) -> None:
    result = run_spider(
        "site",
        args={"start_url": f"{demo_url}/campus/"},
        settings={"MONGO_PROFILE": "nosuch"},
        check=False,
    )
    assert result.returncode == 1
    assert result.stat("finish_reason") == "bad_mongo_uri"
    assert (
        result.log.strip()
        .splitlines()[-1]
        .startswith(
            "crawl site failed (bad_mongo_uri): MONGO_PROFILE 'nosuch': no EDUSCRAPE_MONGO_URI_NOSUCH"
        )
    )
