"""Alerts: once per streak of the same failure, a reminder after `repeat_hours`, one recovery;
the ERROR line, a webhook POST to a local receiver, an e-mail to a local SMTP server (aiosmtpd);
a channel that is down is one warning; secrets never reach the logs."""

from __future__ import annotations

import base64
import email
import email.policy
import json
import logging
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from crawler.config import AlertConfig
from crawler.monitoring import alerts
from crawler.monitoring.alerts import announce
from crawler.monitoring.checks import CHECKS
from crawler.monitoring.history import append_report, read_history

LOGGER = "crawler.monitoring.alerts"
TOKEN = "T0KEN-s3cr3t-9f8e7d6c"
QUERY_TOKEN = "q-s3cr3t-1234"
PASSWORD = "hunter2-Pa55w0rd!"
HINTS = {check.name: check.hint for check in CHECKS}
T0 = datetime(2026, 11, 28, 0, 35, tzinfo=timezone.utc)
REPEAT = 6.0  # hours
KINDS = {"failure", "reminder", "suppressed", "recovery", "none"}

# Check results as the run report stores them (CheckResult.as_dict()): the failing ones by name.
RESULTS = {
    "errors": {
        "name": "errors",
        "ok": False,
        "value": 7,
        "op": "<=",
        "threshold": 5,
        "setting": "CRAWLER_HEALTH_MAX_ERRORS",
        "message": "errors 7 > 5",
    },
    "coverage_body": {
        "name": "coverage_body",
        "ok": False,
        "value": 0.9,
        "op": ">=",
        "threshold": 0.99,
        "setting": "CRAWLER_HEALTH_MIN_COVERAGE",
        "message": "coverage_body 0.9 < 0.99",
    },
    "no_body_share": {
        "name": "no_body_share",
        "ok": False,
        "value": 0.1,
        "op": "<=",
        "threshold": 0.05,
        "setting": "CRAWLER_HEALTH_MAX_NO_BODY_SHARE",
        "message": "no_body_share 0.1 > 0.05",
    },
}
PASSING = {
    "name": "coverage_headline",
    "ok": True,
    "value": 1.0,
    "op": ">=",
    "threshold": 0.99,
    "setting": "CRAWLER_HEALTH_MIN_COVERAGE",
    "message": "coverage_headline 1 >= 0.99",
}


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


def test_the_checks_used_here_exist_and_have_hints() -> None:
    for name in [*RESULTS, PASSING["name"]]:
        assert HINTS.get(name), name


def report_at(
    hours: float, failing: tuple[str, ...] = (), alert: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A run report started `hours` after T0; unhealthy when `failing` names checks."""
    started = T0 + timedelta(hours=hours)
    report: dict[str, Any] = {
        "run": f"{started:%Y%m%dT%H%M%SZ}-12345",
        "started": started.isoformat(),
        "finished": (started + timedelta(seconds=12)).isoformat(),
        "duration_seconds": 12.3,
        "mode": "monitor",
        "finish_reason": "finished",
        "requests": 123,
        "responses": {"200": 120, "404": 3},
        "articles": {"new": 5, "updated": 1, "unchanged": 100, "dropped": {"cri/no_body": 2}},
        "errors": 7,
        "newest_published": "2026-11-20T10:00:00+08:00",
        "verdict": "unhealthy" if failing else "healthy",
        "checks": [PASSING, *(RESULTS[name] for name in failing)],
    }
    if alert is not None:
        report["alert"] = alert
    return report


def unhealthy_report() -> dict[str, Any]:
    return report_at(0, ("errors", "coverage_body", "no_body_share"))


def say(
    report: dict[str, Any],
    history: list[Any],
    config: AlertConfig | None = None,
    repeat_hours: float = REPEAT,
    data_dir: str | None = None,
) -> dict[str, Any]:
    """`announce` as the run calls it: `now` is the end of the run."""
    now = T0 + timedelta(hours=1000)
    if isinstance(report.get("started"), str):
        now = datetime.fromisoformat(report["started"]) + timedelta(seconds=12)
    return announce(
        report,
        history,
        config or AlertConfig(),
        repeat_hours=repeat_hours,
        now=now,
        data_dir=data_dir,
    )


def free_port() -> int:
    """A port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def records(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.levelno == level]


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return records(caplog, logging.WARNING)


def assert_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (TOKEN, QUERY_TOKEN, PASSWORD):
        assert secret not in text
    assert all(r.exc_info is None for r in caplog.records if r.name == LOGGER)  # no traceback


# -- the streak logic ---------------------------------------------------------------------------

E, B = ("errors",), ("coverage_body",)
EB = ("errors", "coverage_body")
SENT = {"kind": "failure"}
REMINDED = {"kind": "reminder"}
QUIET = {"kind": "suppressed"}
RECOVERED = {"kind": "recovery"}
NOTHING = {"kind": "none"}
MIN = 1 / 60

# (earlier runs as (hours after T0, failing checks, alert or None), this run, expected kind,
#  expected streak_runs); repeat_hours is REPEAT.
STREAKS = [
    ([], (0, E), "failure", 1),
    ([(0, E, SENT)], (1, E), "suppressed", 2),
    ([(0, E, SENT)], (REPEAT - 2 * MIN, E), "suppressed", 2),
    ([(0, E, SENT)], (REPEAT - 0.5 * MIN, E), "reminder", 2),  # cron start drift of seconds
    ([(0, E, SENT)], (REPEAT, E), "reminder", 2),
    ([(0, E, SENT)], (REPEAT + 1, E), "reminder", 2),
    ([(h, E, SENT if h == 0 else QUIET) for h in range(6)], (REPEAT, E), "reminder", 7),
    ([(0, E, SENT), (1, E, QUIET), (6, E, REMINDED)], (7, E), "suppressed", 4),
    ([(0, E, SENT), (6, E, REMINDED)], (12, E), "reminder", 3),
    ([(0, E, SENT)], (1, EB), "failure", 1),  # another check fails too: a new streak
    ([(0, EB, SENT)], (1, E), "failure", 1),  # one of them recovered: a new streak
    ([(0, E, SENT)], (1, B), "failure", 1),
    ([(0, E, SENT), (1, B, SENT)], (2, E), "failure", 1),
    ([(0, E, SENT), (1, (), RECOVERED)], (2, E), "failure", 1),
    ([(0, E, None), (1, E, None)], (2, E), "failure", 3),  # older reports: nothing known sent
    ([(0, E, SENT), (1, E, QUIET)], (2, ()), "recovery", 2),
    ([(0, E, SENT), (1, B, SENT)], (2, ()), "recovery", 2),
    ([(0, E, SENT), (1, (), RECOVERED)], (2, ()), "none", 0),  # the recovery is said once
    ([(0, (), NOTHING)], (1, ()), "none", 0),
    ([], (0, ()), "none", 0),
    ([(0, E, None), (1, E, None)], (2, ()), "none", 0),  # nothing was sent: nothing to recover
]


@pytest.mark.parametrize(
    ("earlier", "this", "kind", "runs"),
    STREAKS,
    ids=[f"{i}-{row[2]}" for i, row in enumerate(STREAKS)],
)
def test_streak_boundaries(
    earlier: list[tuple[float, tuple[str, ...], dict[str, Any] | None]],
    this: tuple[float, tuple[str, ...]],
    kind: str,
    runs: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    history = [report_at(hours, failing, alert) for hours, failing, alert in earlier]
    report = report_at(*this)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        alert = say(report, history)
    assert (alert["kind"], alert["streak_runs"]) == (kind, runs)
    lines = [r for r in caplog.records if r.name == LOGGER]
    assert len(lines) == (0 if kind == "none" else 1)  # the log always gets an unhealthy verdict
    if runs and kind != "recovery":
        first = history[len(history) - runs + 1] if runs > 1 else report
        assert alert["streak_since"] == first["started"]
        assert first["started"] in lines[0].getMessage()


@pytest.mark.parametrize("row", STREAKS, ids=range(len(STREAKS)))
def test_history_holding_this_run_changes_nothing(row: Any) -> None:
    earlier, this, kind, runs = row
    history = [report_at(hours, failing, alert) for hours, failing, alert in earlier]
    report = report_at(*this)
    alert = say(report, [*history, dict(report)])
    assert (alert["kind"], alert["streak_runs"]) == (kind, runs)


def test_repeat_zero_alerts_every_run() -> None:
    alert = say(report_at(1, E), [report_at(0, E, SENT)], repeat_hours=0)
    assert alert["kind"] == "reminder"


def test_a_suppressed_run_says_since_when_and_when_the_next_reminder_is_due(
    caplog: pytest.LogCaptureFixture,
) -> None:
    history = [report_at(0, EB, SENT), report_at(1, EB, QUIET)]
    with caplog.at_level(logging.INFO, logger=LOGGER):
        alert = say(report_at(2, EB), history, data_dir="/srv/cri/data")
    assert alert["kind"] == "suppressed" and alert["delivered"] == {"log": True}
    (line,) = records(caplog, logging.ERROR)
    message = line.getMessage()
    assert "continuing streak" in message
    assert T0.isoformat() in message and "(3 runs)" in message
    due = (T0 + timedelta(hours=REPEAT)).isoformat()
    assert f"next reminder due at {due}" in message and alert["next_reminder"] == due
    assert "errors 7 > 5" in message and "coverage_body 0.9 < 0.99" in message
    assert HINTS["errors"] in message and HINTS["coverage_body"] in message


MALFORMED: list[Any] = [
    None,
    "not a report",
    42,
    {},
    {"verdict": "unhealthy"},
    {"verdict": "unhealthy", "checks": "errors", "alert": "sent"},
    {"verdict": "unhealthy", "checks": [None, 3, {"ok": False}], "alert": {"kind": 7}},
    {"verdict": "unhealthy", "checks": [RESULTS["errors"]], "alert": {"kind": "failure"}},
    {"verdict": "unhealthy", "checks": [RESULTS["errors"]], "started": "yesterday",
     "alert": {"kind": "failure"}},
    {"verdict": "unhealthy", "checks": [RESULTS["errors"]], "started": 5, "alert": []},
    {"verdict": "healthy", "checks": None, "alert": None, "run": None},
]


@pytest.mark.parametrize("this", [report_at(3, E), report_at(3)], ids=["unhealthy", "healthy"])
@pytest.mark.parametrize("bad", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_history_never_crashes(bad: Any, this: dict[str, Any]) -> None:
    for history in ([bad], [report_at(0, E, SENT), bad], [bad, report_at(2, E, QUIET)]):
        alert = say(this, history)
        assert alert["kind"] in KINDS
        json.dumps(alert)  # stored in the report


def test_an_earlier_alert_at_an_unknown_time_is_repeated() -> None:
    earlier = {**report_at(0, E, SENT), "started": "yesterday"}
    assert say(report_at(1, E), [earlier])["kind"] == "reminder"


def test_a_report_without_times_still_alerts(caplog: pytest.LogCaptureFixture) -> None:
    report = {"run": "x", "verdict": "unhealthy", "checks": [RESULTS["errors"]]}
    with caplog.at_level(logging.INFO, logger=LOGGER):
        alert = say(report, [{"run": "w", "verdict": "unhealthy", "checks": []}])
    assert alert["kind"] == "failure" and alert["streak_runs"] == 1
    assert len(records(caplog, logging.ERROR)) == 1


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


def bodies(receiver: Receiver) -> list[dict[str, Any]]:
    return [json.loads(post["body"]) for post in receiver.posts]


def test_a_streak_of_5_unhealthy_runs_then_2_healthy_sends_one_alert_and_one_recovery(
    receiver: Receiver, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The run's cycle through the real history file: read, announce, store the alert, append."""
    runs_file = tmp_path / "runs.jsonl"
    config = AlertConfig(webhook_url=receiver.url(), timeout=5)
    kinds = []
    with caplog.at_level(logging.INFO, logger=LOGGER):
        for hour in range(7):
            report = report_at(hour, EB if hour < 5 else ())
            report["alert"] = say(report, read_history(runs_file), config, repeat_hours=1000)
            append_report(runs_file, report)
            kinds.append(report["alert"]["kind"])
    assert [body["kind"] for body in bodies(receiver)] == ["failure", "recovery"]
    failure, recovery = bodies(receiver)
    assert (failure["streak_since"], failure["streak_runs"]) == (T0.isoformat(), 1)
    assert (recovery["streak_since"], recovery["streak_runs"]) == (T0.isoformat(), 5)
    assert [c["name"] for c in recovery["recovered"]] == list(EB) and recovery["failing"] == []
    assert recovery["verdict"] == "healthy"
    assert kinds == ["failure"] + ["suppressed"] * 4 + ["recovery", "none"]
    assert len(records(caplog, logging.ERROR)) == 5  # the log gets every unhealthy verdict
    (said,) = [r for r in records(caplog, logging.INFO) if "healthy again" in r.getMessage()]
    assert T0.isoformat() in said.getMessage() and "(5 runs)" in said.getMessage()


def test_a_reminder_reaches_the_webhook_after_repeat_hours(receiver: Receiver) -> None:
    config = AlertConfig(webhook_url=receiver.url(), timeout=5)
    history: list[dict[str, Any]] = []
    for hour in range(14):  # hourly runs, the same failure
        report = report_at(hour, E)
        report["alert"] = say(report, history, config, repeat_hours=REPEAT)
        history.append(report)
    sent = [(body["kind"], body["run"]) for body in bodies(receiver)]
    at = [report_at(h, E)["run"] for h in (0, 6, 12)]
    assert sent == [("failure", at[0]), ("reminder", at[1]), ("reminder", at[2])]
    assert [body["streak_runs"] for body in bodies(receiver)] == [1, 7, 13]
    assert {body["streak_since"] for body in bodies(receiver)} == {T0.isoformat()}


def test_the_error_line_names_what_failed_since_when_and_what_to_look_at(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        alert = say(unhealthy_report(), [], data_dir="/srv/cri/data")
    assert alert["kind"] == "failure" and alert["delivered"] == {"log": True}
    (line,) = records(caplog, logging.ERROR)
    message = line.getMessage()
    assert "\n" not in message
    assert "run 20261128T003500Z-12345 unhealthy" in message
    assert "errors 7 > 5 (CRAWLER_HEALTH_MAX_ERRORS)" in message
    assert "coverage_body 0.9 < 0.99 (CRAWLER_HEALTH_MIN_COVERAGE)" in message
    assert "no_body_share 0.1 > 0.05" in message
    assert f"since {T0.isoformat()} (1 run)" in message
    for name in ("errors", "coverage_body", "no_body_share"):
        assert HINTS[name] in message
    assert "coverage_headline" not in message  # passing checks are not named
    assert HINTS["coverage_headline"] not in message
    assert "/srv/cri/data" in message


def test_webhook_receives_the_failing_checks_and_their_hints(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    config = AlertConfig(webhook_url=receiver.url(), timeout=5)
    history = [report_at(-2, E, SENT), report_at(-1, EB, None)]
    with caplog.at_level(logging.INFO):
        alert = say(report_at(0, EB), history, config, data_dir="/srv/cri/data")
    assert alert["delivered"] == {"log": True, "webhook": True}
    (post,) = receiver.posts
    assert post["path"] == f"/hooks/{TOKEN}?token={QUERY_TOKEN}"
    assert post["headers"]["Content-Type"] == "application/json"
    body = json.loads(post["body"])
    assert body["kind"] == "failure" and body["verdict"] == "unhealthy"
    assert body["run"] == report_at(0, EB)["run"]
    assert body["data_dir"] == "/srv/cri/data"
    since = history[1]["started"]
    assert (body["streak_since"], body["streak_runs"]) == (since, 2)
    assert [(c["name"], c["hint"]) for c in body["failing"]] == [
        ("errors", HINTS["errors"]),
        ("coverage_body", HINTS["coverage_body"]),
    ]
    errors = body["failing"][0]
    assert (errors["value"], errors["threshold"], errors["setting"]) == (
        7,
        5,
        "CRAWLER_HEALTH_MAX_ERRORS",
    )
    assert body["figures"]["new"] == 5 and body["figures"]["dropped"] == 2
    text = body["text"]
    assert "errors 7 > 5" in text and "coverage_body 0.9 < 0.99" in text
    assert f"since {since} (2 runs)" in text
    assert HINTS["errors"] in text and HINTS["coverage_body"] in text
    assert not warnings_of(caplog)
    assert "http://127.0.0.1" in caplog.text  # shown as scheme and host ...
    assert_no_secret(caplog)  # ... never with its token


def test_a_suppressed_run_posts_nothing(receiver: Receiver) -> None:
    config = AlertConfig(webhook_url=receiver.url(), timeout=5)
    alert = say(report_at(1, E), [report_at(0, E, SENT)], config)
    assert alert["kind"] == "suppressed" and alert["delivered"] == {"log": True}
    assert receiver.posts == []


def test_a_healthy_run_says_nothing(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    config = AlertConfig(webhook_url=receiver.url(), timeout=5)
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        alert = say(report_at(1), [report_at(0)], config)
    assert alert == {
        "kind": "none",
        "streak_since": None,
        "streak_runs": 0,
        "next_reminder": None,
        "delivered": {},
    }
    assert receiver.posts == [] and not caplog.records


def test_webhook_answering_an_error_is_one_warning(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.status = 500
    with caplog.at_level(logging.INFO):
        alert = say(unhealthy_report(), [], AlertConfig(webhook_url=receiver.url(), timeout=5))
    assert alert["delivered"]["webhook"] is False
    (warning,) = warnings_of(caplog)
    assert warning.getMessage() == "alert webhook to http://127.0.0.1 failed: answered HTTP 500"
    assert_no_secret(caplog)


def test_webhook_down_is_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    url = f"http://127.0.0.1:{free_port()}/hooks/{TOKEN}?token={QUERY_TOKEN}"
    with caplog.at_level(logging.INFO):
        alert = say(unhealthy_report(), [], AlertConfig(webhook_url=url, timeout=2))
    assert alert["delivered"] == {"log": True, "webhook": False}
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
        say(unhealthy_report(), [], AlertConfig(webhook_url=url, timeout=1))
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


def test_email_carries_the_failing_checks_since_when_and_the_hints(
    smtp_server: tuple[Mailbox, int], caplog: pytest.LogCaptureFixture
) -> None:
    mailbox, port = smtp_server
    with caplog.at_level(logging.DEBUG):
        alert = say(unhealthy_report(), [], mail_config(port), data_dir="/srv/cri/data")
    assert alert["delivered"] == {"log": True, "email": True}
    assert mailbox.logins == [(b"cri", PASSWORD.encode())]
    (envelope,) = mailbox.envelopes
    assert envelope.mail_from == "cri-crawler@example.org"
    assert envelope.rcpt_tos == ["ops@example.org", "dev@example.org"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert "errors, coverage_body, no_body_share" in message["Subject"]
    body = message.get_content()
    assert "errors 7 > 5 (CRAWLER_HEALTH_MAX_ERRORS): ERROR log lines in the run" in body
    assert "coverage_body 0.9 < 0.99 (CRAWLER_HEALTH_MIN_COVERAGE)" in body
    assert f"since {T0.isoformat()} (1 run)" in body
    for name in ("errors", "coverage_body", "no_body_share"):
        assert HINTS[name] in body
    assert "20261128T003500Z-12345" in body and "/srv/cri/data" in body
    assert PASSWORD not in body
    assert not warnings_of(caplog)
    assert_no_secret(caplog)


def test_email_reminder_and_recovery(smtp_server: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp_server
    config = mail_config(port)
    history = [report_at(0, E, SENT), report_at(3, E, QUIET)]
    assert say(report_at(REPEAT, E), history, config)["kind"] == "reminder"
    history.append(report_at(REPEAT, E, REMINDED))
    assert say(report_at(REPEAT + 1), history, config)["kind"] == "recovery"
    reminder, recovery = (
        email.message_from_bytes(e.content, policy=email.policy.default)
        for e in mailbox.envelopes
    )
    assert "still unhealthy" in reminder["Subject"] and T0.isoformat() in reminder["Subject"]
    assert "(3 runs)" in reminder.get_content() and HINTS["errors"] in reminder.get_content()
    assert "recovered" in recovery["Subject"] and "errors" in recovery["Subject"]
    assert "healthy again" in recovery.get_content()
    assert f"since {T0.isoformat()} (3 runs)" in recovery.get_content()


def test_email_with_a_wrong_password_is_one_warning(
    smtp_server: tuple[Mailbox, int], caplog: pytest.LogCaptureFixture
) -> None:
    mailbox, port = smtp_server
    with caplog.at_level(logging.INFO):
        alert = say(unhealthy_report(), [], mail_config(port, smtp_password=PASSWORD + "x"))
    assert alert["delivered"]["email"] is False and not mailbox.envelopes
    (warning,) = warnings_of(caplog)
    assert "SMTPAuthenticationError: SMTP 535" in warning.getMessage()
    assert PASSWORD not in caplog.text


def test_starttls_refused_by_the_server_is_one_warning(
    smtp_server: tuple[Mailbox, int], caplog: pytest.LogCaptureFixture
) -> None:
    mailbox, port = smtp_server  # a server without TLS: the password must not go out in clear
    with caplog.at_level(logging.INFO):
        alert = say(unhealthy_report(), [], mail_config(port, smtp_starttls=True))
    assert alert["delivered"]["email"] is False
    assert mailbox.logins == [] and mailbox.envelopes == []
    (warning,) = warnings_of(caplog)
    assert "STARTTLS" in warning.getMessage()
    assert_no_secret(caplog)


def test_smtp_down_is_one_warning_and_the_webhook_still_goes(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    config = mail_config(free_port(), webhook_url=receiver.url(), timeout=2)
    with caplog.at_level(logging.INFO):
        alert = say(unhealthy_report(), [], config)
    assert alert["delivered"] == {"log": True, "webhook": True, "email": False}
    (warning,) = warnings_of(caplog)
    assert warning.getMessage().startswith(f"alert e-mail to 127.0.0.1:{config.smtp_port} failed: ")
    assert len(receiver.posts) == 1
    assert_no_secret(caplog)


def test_webhook_credentials_in_the_url_become_basic_auth(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    user, password = "cri-bot", "p@ss:w0rd/42"
    quoted = "p%40ss%3Aw0rd%2F42"
    url = receiver.url().replace("http://", f"http://{user}:{quoted}@")
    config = AlertConfig(webhook_url=url, timeout=5)
    with caplog.at_level(logging.DEBUG):
        alert = say(report_at(0, EB), [], config)
    assert alert["delivered"] == {"log": True, "webhook": True}
    (post,) = receiver.posts
    blob = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    assert post["headers"]["Authorization"] == f"Basic {blob}"
    assert post["path"] == f"/hooks/{TOKEN}?token={QUERY_TOKEN}"
    for secret in (password, quoted, blob):
        assert secret not in caplog.text and secret not in post["body"].decode()


def test_webhook_credentials_never_reach_a_failure_message(caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    config = AlertConfig(webhook_url=f"http://cri-bot:s3cr3t-pw@127.0.0.1:{port}/hook", timeout=2)
    with caplog.at_level(logging.DEBUG):
        alert = say(report_at(0, EB), [], config)
    assert alert["delivered"]["webhook"] is False
    assert "s3cr3t-pw" not in caplog.text and "cri-bot:" not in caplog.text
