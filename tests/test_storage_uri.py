from __future__ import annotations

import logging

import pytest

from eduscrape._logging import install_redaction, redact
from eduscrape.storage.uri import BadMongoURI, redact_uri, validate_uri


def test_redact_uri_hides_password_only() -> None:
    assert (
        redact_uri("mongodb://alice:s3cr3t@db.example:27017/x")
        == "mongodb://alice:***@db.example:27017/x"
    )
    assert redact_uri("mongodb://db.example/x") == "mongodb://db.example/x"


def test_validate_uri_accepts_real_uris() -> None:
    for uri in ("mongodb://127.0.0.1:27017/", "mongodb://u:p@h1:1,h2:2/db?replicaSet=rs0"):
        assert validate_uri(uri) == uri


@pytest.mark.parametrize(
    "uri", ["http://localhost", "mongodb://bob:secret@host:notaport/", "not a uri"]
)
def test_validate_uri_rejects_with_one_line_without_password(uri: str) -> None:
    with pytest.raises(BadMongoURI) as info:
        validate_uri(uri)
    message = str(info.value)
    assert "\n" not in message
    assert "secret" not in message
    assert "MONGO_URI" in message


def test_log_records_never_carry_a_password(caplog: pytest.LogCaptureFixture) -> None:
    install_redaction()
    logger = logging.getLogger("eduscrape.test")
    with caplog.at_level(logging.INFO):
        logger.info("settings: %s", {"MONGO_URI": "mongodb://bob:hunter2@db:27017/"})
        logger.info("direct mongodb+srv://bob:hunter2@cluster.example/x")
    assert "hunter2" not in caplog.text
    assert "bob:***@" in caplog.text
    assert redact("redis://:pw@host:6379/0") == "redis://:***@host:6379/0"
