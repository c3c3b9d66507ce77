"""Alerts: the ERROR line, a webhook POST to a local receiver, an e-mail to a local SMTP server
(aiosmtpd); a channel that is down is one warning; secrets never reach the logs."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from crawler.config import AlertConfig, HealthThresholds
from crawler.monitoring import alerts
from crawler.monitoring.alerts import notify
from crawler.monitoring.checks import evaluate, verdict

LOGGER = "crawler.monitoring.alerts"
TOKEN = "T0KEN-s3cr3t-9f8e7d6c"
QUERY_TOKEN = "q-s3cr3t-1234"
PASSWORD = "hunter2-Pa55w0rd!"
THRESHOLDS = HealthThresholds(5, 0.99, 0.05, 0.05, 0.5, 0.05, 24.0, 0.5)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Traffic goes to 127.0.0.1 only, never through a proxy from the environment."""
    for name in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")


def unhealthy_report() -> dict[str, Any]:
    report: dict[str, Any] = {
        "run": "20261128T003500Z-12345",
        "started": "2026-11-28T00:35:00+00:00",
        "finished": "2026-11-28T00:35:12+00:00",
        "duration_seconds": 12.3,
        "mode": "monitor",
        "finish_reason": "finished",
        "requests": 123,
        "responses": {"200": 120, "404": 3},
        "articles": {"new": 5, "updated": 1, "unchanged": 100, "dropped": {"cri/no_body": 2}},
        "extraction": {"api": 3, "html": 2, "browser": 1, "fallback": 0},
        "pages": {"articles_parsed": 100, "no_body": 10, "no_date": 0},
        "coverage": {"headline": 1.0, "published": 1.0, "body": 0.9},
        "listings": {"answers": 20, "without_article_link": 1},
        "errors": 7,
        "robots_unavailable": 0,
        "newest_published": "2026-11-20T10:00:00+08:00",
    }
    results = evaluate(report, [], THRESHOLDS, datetime(2026, 11, 28, 1, tzinfo=timezone.utc))
    report["verdict"] = verdict(results)
    report["checks"] = [r.as_dict() for r in results]
    return report


def free_port() -> int:
    """A port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]


def assert_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (TOKEN, QUERY_TOKEN, PASSWORD):
        assert secret not in text
    assert all(r.exc_info is None for r in caplog.records if r.name == LOGGER)  # no traceback


# -- webhook ------------------------------------------------------------------------------------


class Receiver:
    """A local webhook endpoint that records every POST and answers `status`."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{TOKEN}?token={QUERY_TOKEN}"


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
    server.thread.join(5)


def test_the_error_line_names_the_failing_checks(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        delivered = notify(unhealthy_report(), AlertConfig(), data_dir="/srv/cri/data")
    assert delivered == {"log": True}
    (line,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    message = line.getMessage()
    assert "\n" not in message
    assert "run 20261128T003500Z-12345 unhealthy" in message
    assert "errors 7 > 5 (CRAWLER_HEALTH_MAX_ERRORS)" in message
    assert "coverage_body 0.9 < 0.99 (CRAWLER_HEALTH_MIN_COVERAGE)" in message
    assert "no_body_share 0.1 > 0.05" in message
    assert "coverage_headline" not in message  # passing checks are not named
    assert "/srv/cri/data" in message


def test_webhook_receives_the_failing_checks(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    config = AlertConfig(webhook_url=receiver.url(), timeout=5)
    with caplog.at_level(logging.INFO):
        delivered = notify(unhealthy_report(), config, data_dir="/srv/cri/data")
    assert delivered == {"log": True, "webhook": True}
    (post,) = receiver.posts
    assert post["path"] == f"/hooks/{TOKEN}?token={QUERY_TOKEN}"
    assert post["headers"]["Content-Type"] == "application/json"
    body = json.loads(post["body"])
    assert body["run"] == "20261128T003500Z-12345"
    assert body["verdict"] == "unhealthy"
    assert body["data_dir"] == "/srv/cri/data"
    assert [c["name"] for c in body["failing"]] == ["errors", "coverage_body", "no_body_share"]
    errors = body["failing"][0]
    assert (errors["value"], errors["threshold"], errors["setting"]) == (
        7,
        5,
        "CRAWLER_HEALTH_MAX_ERRORS",
    )
    assert body["figures"]["new"] == 5 and body["figures"]["dropped"] == 2
    assert "errors 7 > 5" in body["text"]
    assert not warnings_of(caplog)
    assert "http://127.0.0.1" in caplog.text  # shown as scheme and host ...
    assert_no_secret(caplog)  # ... never with its token


def test_webhook_answering_an_error_is_one_warning(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.status = 500
    with caplog.at_level(logging.INFO):
        delivered = notify(unhealthy_report(), AlertConfig(webhook_url=receiver.url(), timeout=5))
    assert delivered["webhook"] is False
    (warning,) = warnings_of(caplog)
    assert warning.getMessage() == "alert webhook to http://127.0.0.1 failed: answered HTTP 500"
    assert_no_secret(caplog)


def test_webhook_down_is_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    url = f"http://127.0.0.1:{free_port()}/hooks/{TOKEN}?token={QUERY_TOKEN}"
    with caplog.at_level(logging.INFO):
        delivered = notify(unhealthy_report(), AlertConfig(webhook_url=url, timeout=2))
    assert delivered == {"log": True, "webhook": False}
    (warning,) = warnings_of(caplog)
    assert "ConnectionRefusedError" in warning.getMessage()
    assert_no_secret(caplog)


def test_a_failure_quoting_the_secrets_is_scrubbed(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"https://user:{PASSWORD}@hooks.example.invalid/services/{TOKEN}?token={QUERY_TOKEN}"

    def leaky(config: AlertConfig, body: Any) -> None:
        raise RuntimeError(f"cannot reach {config.webhook_url} (token {TOKEN}, {QUERY_TOKEN})")

    monkeypatch.setattr(alerts, "_post_webhook", leaky)
    with caplog.at_level(logging.INFO):
        notify(unhealthy_report(), AlertConfig(webhook_url=url, timeout=1))
    (warning,) = warnings_of(caplog)
    assert warning.getMessage().startswith(
        "alert webhook to https://hooks.example.invalid failed: "
    )
    assert_no_secret(caplog)
    assert "user:" not in caplog.text


# -- e-mail -------------------------------------------------------------------------------------


class Mailbox:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth: Any
    ) -> AuthResult:
        self.logins.append((auth.login, auth.password))
        # handled=False: the server answers 535 itself on a wrong password
        return AuthResult(success=auth.password == PASSWORD.encode(), handled=False)


@pytest.fixture()
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=mailbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def mail_config(port: int, **changes: Any) -> AlertConfig:
    return AlertConfig(
        **{
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_user": "cri",
            "smtp_password": PASSWORD,
            "email_from": "cri-crawler@example.org",
            "email_to": ("ops@example.org", "dev@example.org"),
            "timeout": 5,
            **changes,
        }
    )


def test_email_carries_the_failing_checks(
    smtp_server: tuple[Mailbox, int], caplog: pytest.LogCaptureFixture
) -> None:
    mailbox, port = smtp_server
    with caplog.at_level(logging.DEBUG):
        delivered = notify(unhealthy_report(), mail_config(port), data_dir="/srv/cri/data")
    assert delivered == {"log": True, "email": True}
    assert mailbox.logins == [(b"cri", PASSWORD.encode())]
    (envelope,) = mailbox.envelopes
    assert envelope.mail_from == "cri-crawler@example.org"
    assert envelope.rcpt_tos == ["ops@example.org", "dev@example.org"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert "errors, coverage_body, no_body_share" in message["Subject"]
    body = message.get_content()
    assert "errors 7 > 5 (CRAWLER_HEALTH_MAX_ERRORS): ERROR log lines in the run" in body
    assert "coverage_body 0.9 < 0.99 (CRAWLER_HEALTH_MIN_COVERAGE)" in body
    assert "20261128T003500Z-12345" in body and "/srv/cri/data" in body
    assert PASSWORD not in body
    assert not warnings_of(caplog)
    assert_no_secret(caplog)


def test_email_with_a_wrong_password_is_one_warning(
    smtp_server: tuple[Mailbox, int], caplog: pytest.LogCaptureFixture
) -> None:
    mailbox, port = smtp_server
    with caplog.at_level(logging.INFO):
        delivered = notify(unhealthy_report(), mail_config(port, smtp_password=PASSWORD + "x"))
    assert delivered["email"] is False and not mailbox.envelopes
    (warning,) = warnings_of(caplog)
    assert "SMTPAuthenticationError: SMTP 535" in warning.getMessage()
    assert PASSWORD not in caplog.text


def test_starttls_refused_by_the_server_is_one_warning(
    smtp_server: tuple[Mailbox, int], caplog: pytest.LogCaptureFixture
) -> None:
    mailbox, port = smtp_server  # a server without TLS: the password must not go out in clear
    with caplog.at_level(logging.INFO):
        delivered = notify(unhealthy_report(), mail_config(port, smtp_starttls=True))
    assert delivered["email"] is False
    assert mailbox.logins == [] and mailbox.envelopes == []
    (warning,) = warnings_of(caplog)
    assert "STARTTLS" in warning.getMessage()
    assert_no_secret(caplog)


def test_smtp_down_is_one_warning_and_the_webhook_still_goes(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    config = mail_config(free_port(), webhook_url=receiver.url(), timeout=2)
    with caplog.at_level(logging.INFO):
        delivered = notify(unhealthy_report(), config)
    assert delivered == {"log": True, "webhook": True, "email": False}
    (warning,) = warnings_of(caplog)
    assert warning.getMessage().startswith(f"alert e-mail to 127.0.0.1:{config.smtp_port} failed: ")
    assert len(receiver.posts) == 1
    assert_no_secret(caplog)
