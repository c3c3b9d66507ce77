"""Alerts on the run verdict, once per streak: `announce(report, history, ...)` decides what a
run says and on which channels, and returns what it did (the report keeps it under `alert`, so
the next run can see what was sent).

A streak is the consecutive unhealthy runs, ending with this one, that fail the same set of
checks. Its first run alerts (`failure`); later runs of it stay quiet (`suppressed`: one ERROR
log line, no webhook, no e-mail) until `repeat_hours` have passed since the last alert of the
streak (`reminder`). A different set of failing checks is a new streak and alerts at once. The
first healthy run after an unhealthy period in which an alert went out says so once
(`recovery`). Every message says what failed, since when (the streak's first run, and how many
runs), and each failing check's hint (what to look at first).

The log always gets the verdict of an unhealthy run; webhook POST and e-mail when `AlertConfig`
(from the environment) configures them. A channel that fails logs one WARNING, without traceback
(cron mails stderr), and changes nothing else: the exit code is the verdict's. Secrets stay out
of logs, reports and messages: the webhook URL (it may hold a token) is shown as scheme and host
only, the SMTP password never, and every text that leaves this module about a failure is
scrubbed of both. Standard library only (urllib, smtplib, email): nothing to install on the
machine that runs cron.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from crawler import __version__
from crawler.config import AlertConfig
from crawler.monitoring.checks import CHECKS, HEALTHY, parse_time

logger = logging.getLogger(__name__)

FAILURE, REMINDER, SUPPRESSED = "failure", "reminder", "suppressed"
RECOVERY, NONE = "recovery", "none"
SENT = frozenset({FAILURE, REMINDER})  # the kinds that went out on the channels for a streak

_DESCRIPTIONS = {check.name: check.description for check in CHECKS}
_HINTS = {check.name: check.hint for check in CHECKS}
_MAX_RESPONSE = 64 * 1024  # read (and drop) at most this much of the webhook's answer
# Runs are compared by their start times, which cron sets; these drift by seconds from one run
# to the next. Without slack, a 6-hour reminder on hourly runs would come after 6 or 7 hours
# at random.
_SLACK = timedelta(minutes=1)


@dataclass(frozen=True)
class Decision:
    """What a run says: the kind of message, the streak it belongs to, the checks it names."""

    kind: str  # FAILURE, REMINDER, SUPPRESSED, RECOVERY or NONE
    streak_since: str | None = None  # `started` of its first run (RECOVERY: of the unhealthy ones)
    streak_runs: int = 0  # its runs, this one included (RECOVERY: the unhealthy runs before)
    failing: tuple[dict[str, Any], ...] = ()  # RECOVERY: the checks the last unhealthy run failed
    alerted: str | None = None  # SUPPRESSED: `started` of the run whose alert went out last
    next_reminder: str | None = None  # when the streak may alert again, if it goes on


def announce(
    report: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    config: AlertConfig,
    *,
    repeat_hours: float,
    now: datetime,
    data_dir: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Decide what this run says (see the module's docstring) and say it; never raises.

    `history` holds earlier reports, oldest first (`read_history`), with or without this one.
    Runs are timed by their `started`; `now` stands in when this report has none. Returns what
    the caller stores in the report under `alert`: `kind`, `streak_since`, `streak_runs`,
    `next_reminder` and `delivered` (for each channel tried, `log`, `webhook`, `email`, whether
    it was delivered; empty when nothing was said)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    try:
        decision = decide(report, history, repeat_hours=repeat_hours, now=now)
    except Exception as exc:  # noqa: BLE001 - a bad history must not silence an alert
        reason = _one_line(_describe_exception(exc))
        logger.warning("alert: cannot read the run history (%s)", reason)
        healthy = _healthy(report)
        decision = Decision(
            NONE if healthy else FAILURE,
            streak_runs=0 if healthy else 1,
            failing=() if healthy else tuple(failing_checks(report)),
        )
    where = os.path.abspath(data_dir) if data_dir is not None else report.get("data_dir")
    delivered: dict[str, bool] = {}
    if decision.kind == RECOVERY:
        logger.info("%s", _one_line(summary(report, decision, where)))
        delivered = {"log": True, **_send(report, decision, config, where)}
    elif decision.kind in SENT:
        logger.error("%s", _one_line(summary(report, decision, where)))
        delivered = {"log": True, **_send(report, decision, config, where)}
    elif decision.kind == SUPPRESSED:
        logger.error("%s", _one_line(summary(report, decision, where)))
        delivered = {"log": True}
    return {
        "kind": decision.kind,
        "streak_since": decision.streak_since,
        "streak_runs": decision.streak_runs,
        "next_reminder": decision.next_reminder,
        "delivered": delivered,
    }


def decide(
    report: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]],
    *,
    repeat_hours: float,
    now: datetime,
) -> Decision:
    """The streak logic alone, without sending anything (see the module's docstring). Reports
    of the history without `alert` (older ones) count as runs for which nothing was sent."""
    run = report.get("run")
    earlier = [
        r for r in history if isinstance(r, Mapping) and (run is None or r.get("run") != run)
    ]
    if _healthy(report):
        period: list[Mapping[str, Any]] = []  # the unhealthy runs right before this one
        for previous in reversed(earlier):
            if _healthy(previous):
                break
            period.append(previous)
        period.reverse()
        if not any(_alert_kind(r) in SENT for r in period):
            return Decision(NONE)
        return Decision(
            RECOVERY,
            streak_since=_started(period[0]),
            streak_runs=len(period),
            failing=tuple(failing_checks(period[-1])),
        )

    failing = failing_checks(report)
    names = _names(failing)
    streak: list[Mapping[str, Any]] = []  # the earlier runs of this streak
    for previous in reversed(earlier):
        if _healthy(previous) or _names(failing_checks(previous)) != names:
            break
        streak.append(previous)
    streak.reverse()
    this_time = parse_time(report.get("started")) or now
    repeat = timedelta(hours=repeat_hours)
    since = _started(streak[0]) if streak else (_started(report) or this_time.isoformat())
    shared = {"streak_since": since, "streak_runs": len(streak) + 1, "failing": tuple(failing)}
    alerted = next((r for r in reversed(streak) if _alert_kind(r) in SENT), None)
    if alerted is None:
        return Decision(FAILURE, next_reminder=(this_time + repeat).isoformat(), **shared)
    alerted_at = parse_time(alerted.get("started"))
    if alerted_at is None or this_time - alerted_at >= repeat - _SLACK:
        return Decision(REMINDER, next_reminder=(this_time + repeat).isoformat(), **shared)
    return Decision(
        SUPPRESSED,
        alerted=alerted_at.isoformat(),
        next_reminder=(alerted_at + repeat).isoformat(),
        **shared,
    )


def failing_checks(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The report's checks that are not ok (as dicts)."""
    checks = report.get("checks")
    result = []
    for check in checks if isinstance(checks, (list, tuple)) else ():
        as_dict = check.as_dict() if hasattr(check, "as_dict") else check
        if isinstance(as_dict, Mapping) and not as_dict.get("ok", False):
            result.append(dict(as_dict))
    return result


def key_figures(report: Mapping[str, Any]) -> dict[str, Any]:
    """The figures an alert shows next to the failing checks."""
    articles = _mapping(report.get("articles"))
    dropped = articles.get("dropped")
    if isinstance(dropped, Mapping):
        dropped = sum(n for n in dropped.values() if isinstance(n, (int, float)))
    return {
        "mode": report.get("mode"),
        "started": report.get("started"),
        "duration_seconds": report.get("duration_seconds"),
        "finish_reason": report.get("finish_reason"),
        "requests": report.get("requests"),
        "responses": report.get("responses"),
        "discovered": articles.get("discovered"),
        "lost": articles.get("lost"),
        "new": articles.get("new"),
        "updated": articles.get("updated"),
        "unchanged": articles.get("unchanged"),
        "dropped": dropped,
        "errors": report.get("errors"),
        "newest_published": report.get("newest_published"),
    }


def summary(report: Mapping[str, Any], decision: Decision, data_dir: Any) -> str:
    """The one line: what failed, since when, what to look at first, and the data dir."""
    run = report.get("run")
    checks = "; ".join(_describe_check(c) for c in decision.failing) or "no failing check recorded"
    since = _since(decision)
    where = f" (data dir {data_dir})" if data_dir else ""
    if decision.kind == RECOVERY:
        return f"run {run} healthy again: recovered from {checks}; unhealthy {since}{where}"
    hints = _hints_line(decision.failing)
    if decision.kind == SUPPRESSED:
        head = (
            f"run {run} unhealthy, a continuing streak (alert sent for the run of "
            f"{decision.alerted}; next reminder due at {decision.next_reminder})"
        )
    elif decision.kind == REMINDER:
        head = f"run {run} still unhealthy (reminder)"
    else:
        head = f"run {run} {report.get('verdict') or 'unhealthy'}"
    return f"{head}: {checks}; failing {since}{hints}{where}"


def payload(report: Mapping[str, Any], decision: Decision, data_dir: Any) -> dict[str, Any]:
    """The webhook's JSON body; `text` is the summary line, for chat webhooks that show it."""
    recovered = decision.kind == RECOVERY
    checks = [_with_hint(c) for c in decision.failing]
    return {
        "kind": decision.kind,
        "run": report.get("run"),
        "verdict": report.get("verdict") or ("healthy" if recovered else "unhealthy"),
        "host": socket.gethostname(),
        "data_dir": data_dir,
        "streak_since": decision.streak_since,
        "streak_runs": decision.streak_runs,
        "next_reminder": None if recovered else decision.next_reminder,
        "failing": [] if recovered else checks,
        "recovered": checks if recovered else [],
        "figures": key_figures(report),
        "text": f"cri-crawler on {socket.gethostname()}: {summary(report, decision, data_dir)}",
    }


def email_message(
    report: Mapping[str, Any], decision: Decision, data_dir: Any, config: AlertConfig
) -> EmailMessage:
    host = socket.gethostname()
    sender = config.email_from or "cri-crawler@localhost"
    message = EmailMessage()
    names = ", ".join(str(c.get("name")) for c in decision.failing) or "no failing check recorded"
    run = report.get("run")
    since = _since(decision)
    if decision.kind == RECOVERY:
        subject = f"recovered on {host}: {names}"
        lines = [
            f"The cri-crawler run {run} on {host} is healthy again.",
            "",
            f"It was unhealthy {since}. The last unhealthy run failed:",
        ]
    elif decision.kind == REMINDER:
        subject = f"still unhealthy on {host} since {decision.streak_since}: {names}"
        lines = [f"The cri-crawler run {run} on {host} is still unhealthy (a reminder)."]
    else:
        subject = f"unhealthy run on {host}: {names}"
        state = report.get("verdict") or "unhealthy"
        lines = [f"The cri-crawler run {run} on {host} is {state}."]
    if decision.kind != RECOVERY:
        lines += [
            "",
            f"Failing {since}; next reminder at {decision.next_reminder} if it goes on.",
            "",
            "Failing checks:",
        ]
    message["Subject"] = f"[cri-crawler] {subject}"
    message["From"] = sender
    message["To"] = ", ".join(config.email_to)
    message["Date"] = formatdate(usegmt=True)
    # An explicit domain: make_msgid() would otherwise resolve this host's name (DNS).
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    for check in decision.failing:
        description = _DESCRIPTIONS.get(str(check.get("name")), "")
        lines.append(f"  - {_describe_check(check)}" + (f": {description}" if description else ""))
        hint = _HINTS.get(str(check.get("name")))
        if hint:
            lines.append(f"    look at first: {hint}")
    if not decision.failing:
        lines.append("  (none recorded)")
    lines += ["", "Key figures:"]
    lines += [f"  {name}: {_json(value)}" for name, value in key_figures(report).items()]
    lines += [
        "",
        f"Data directory: {data_dir}",
        f"Last runs: cri-crawler status --data-dir {data_dir}",
    ]
    message.set_content("\n".join(lines) + "\n")
    return message


def _send(
    report: Mapping[str, Any], decision: Decision, config: AlertConfig, where: Any
) -> dict[str, bool]:
    """The message on every configured channel: for each, whether it was delivered."""
    delivered = {}
    secrets = _Secrets(config)
    if config.webhook_url:
        delivered["webhook"] = _deliver(
            "webhook",
            secrets.webhook_shown,
            secrets,
            lambda: _post_webhook(config, payload(report, decision, where)),
        )
    if config.smtp_host:
        delivered["email"] = _deliver(
            "e-mail",
            f"{config.smtp_host}:{config.smtp_port}",
            secrets,
            lambda: _send_email(config, email_message(report, decision, where, config)),
        )
    return delivered


# -- history ------------------------------------------------------------------------------------


def _healthy(report: Mapping[str, Any]) -> bool:
    return report.get("verdict") == HEALTHY


def _names(failing: Sequence[Mapping[str, Any]]) -> frozenset[str]:
    return frozenset(str(check.get("name")) for check in failing)


def _alert_kind(report: Mapping[str, Any]) -> Any:
    return _mapping(report.get("alert")).get("kind")


def _started(report: Mapping[str, Any]) -> str | None:
    started = report.get("started")
    return started if isinstance(started, str) and started else None


def _since(decision: Decision) -> str:
    runs = decision.streak_runs
    plural = "" if runs == 1 else "s"
    return f"since {decision.streak_since or 'an unknown time'} ({runs} run{plural})"


def _hints_line(failing: Sequence[Mapping[str, Any]]) -> str:
    hints = [
        f"{check.get('name')} -> {_HINTS[str(check.get('name'))]}"
        for check in failing
        if _HINTS.get(str(check.get("name")))
    ]
    return f"; look at first: {'; '.join(hints)}" if hints else ""


def _with_hint(check: Mapping[str, Any]) -> dict[str, Any]:
    return {**check, "hint": _HINTS.get(str(check.get("name")), "")}


# -- channels -----------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: urllib would repeat a POST as a GET without its body."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post_webhook(config: AlertConfig, body: Mapping[str, Any]) -> None:
    assert config.webhook_url
    url, authorization = _without_userinfo(config.webhook_url)
    headers = {"Content-Type": "application/json", "User-Agent": f"cri-crawler/{__version__}"}
    if authorization:
        headers["Authorization"] = authorization
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False, default=str).encode("utf-8"),
        headers=headers,
        method="POST",
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=config.timeout) as response:
            response.read(_MAX_RESPONSE)
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the answer's socket
        raise _ChannelError(f"answered HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        raise _ChannelError(
            _describe_exception(reason) if isinstance(reason, BaseException) else str(reason)
        ) from None


def _without_userinfo(url: str) -> tuple[str, str | None]:
    """The URL without `user:password@`, and the HTTP basic `Authorization` they stand for
    (urllib would take them for part of the host name)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    pair = f"{unquote(user)}:{unquote(password)}".encode()
    return urlunsplit(parts._replace(netloc=host)), f"Basic {base64.b64encode(pair).decode('ascii')}"


def _send_email(config: AlertConfig, message: EmailMessage) -> None:
    assert config.smtp_host
    # local_hostname given: smtplib would otherwise look up this host's FQDN (DNS) for EHLO.
    with smtplib.SMTP(
        config.smtp_host,
        config.smtp_port,
        timeout=config.timeout,
        local_hostname=socket.gethostname(),
    ) as smtp:
        if config.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if config.smtp_user and config.smtp_password:
            smtp.login(config.smtp_user, config.smtp_password)
        smtp.send_message(message)


class _ChannelError(Exception):
    """A channel failed; the message is already safe to log."""


def _deliver(channel: str, shown: str, secrets: _Secrets, send: Any) -> bool:
    try:
        send()
    except _ChannelError as exc:
        reason = str(exc)
    except Exception as exc:  # noqa: BLE001 - any failure of a channel is one warning
        reason = _describe_exception(exc)
    else:
        logger.info("alert sent by %s to %s", channel, shown)
        return True
    logger.warning("alert %s to %s failed: %s", channel, shown, _one_line(secrets.scrub(reason)))
    return False


class _Secrets:
    """What must never be shown, and how the webhook is shown instead (scheme and host)."""

    def __init__(self, config: AlertConfig) -> None:
        values: list[str] = []
        self.webhook_shown = ""
        if config.webhook_url:
            parts = urlsplit(config.webhook_url)
            self.webhook_shown = f"{parts.scheme}://{parts.hostname}"
            values += [config.webhook_url, parts.query, parts.fragment]
            values += [parts.path] if len(parts.path) > 1 else []
            # Token-like parts on their own, as an error message may quote them so.
            values += [seg for seg in parts.path.split("/") if len(seg) >= 6]
            values += [value for _, value in parse_qsl(parts.query) if len(value) >= 4]
            if "@" in parts.netloc:  # user:password@host, sent as HTTP basic auth
                authorization = _without_userinfo(config.webhook_url)[1] or ""
                values += [
                    parts.netloc.rpartition("@")[0],
                    parts.username or "",
                    parts.password or "",
                    unquote(parts.password or ""),
                    authorization,
                    authorization.removeprefix("Basic "),
                ]
        if config.smtp_password:
            password = config.smtp_password
            values.append(password)
            values.append(base64.b64encode(password.encode("utf-8")).decode("ascii"))
            plain = f"\0{config.smtp_user or ''}\0{password}".encode()  # AUTH PLAIN's blob
            values.append(base64.b64encode(plain).decode("ascii"))
        # Longest first, so a part of a secret never leaves the rest of it readable.
        self._values = sorted({v for v in values if v}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for value in self._values:
            text = text.replace(value, "***")
        return text


def _describe_exception(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
        return f"{type(exc).__name__}: SMTP {exc.smtp_code} {text}"
    detail = str(exc) or repr(exc)
    return f"{type(exc).__name__}: {detail}"


def _describe_check(check: Mapping[str, Any]) -> str:
    text = str(check.get("message") or f"{check.get('name')} {check.get('value')!r}")
    setting = check.get("setting")
    if check.get("threshold") is not None and check.get("value") is not None and setting:
        text += f" ({setting})"
    return text


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _one_line(text: str) -> str:
    return " ".join(text.split())
