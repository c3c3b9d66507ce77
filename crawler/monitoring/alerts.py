"""Alerts for an unhealthy run: always one ERROR log line; a webhook POST and an e-mail when
`AlertConfig` (from the environment) configures them.

A channel that fails logs one WARNING, without traceback (cron mails stderr), and changes
nothing else: the exit code is the verdict's. Secrets stay out of logs, reports and messages:
the webhook URL (it may hold a token) is shown as scheme and host only, the SMTP password never,
and every text that leaves this module about a failure is scrubbed of both. Standard library
only (urllib, smtplib, email): nothing to install on the machine that runs cron.
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
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from crawler import __version__
from crawler.config import AlertConfig
from crawler.monitoring.checks import CHECKS

logger = logging.getLogger(__name__)

_DESCRIPTIONS = {check.name: check.description for check in CHECKS}
_MAX_RESPONSE = 64 * 1024  # read (and drop) at most this much of the webhook's answer


def notify(
    report: Mapping[str, Any], config: AlertConfig, data_dir: str | os.PathLike[str] | None = None
) -> dict[str, bool]:
    """Report an unhealthy run on every configured channel; never raises. Returns, for each
    channel tried (`log`, `webhook`, `email`), whether it was delivered."""
    where = os.path.abspath(data_dir) if data_dir is not None else report.get("data_dir")
    failing = failing_checks(report)
    logger.error("%s", _one_line(summary(report, failing, where)))
    delivered = {"log": True}
    secrets = _Secrets(config)
    if config.webhook_url:
        delivered["webhook"] = _deliver(
            "webhook",
            secrets.webhook_shown,
            secrets,
            lambda: _post_webhook(config, payload(report, failing, where)),
        )
    if config.smtp_host:
        delivered["email"] = _deliver(
            "e-mail",
            f"{config.smtp_host}:{config.smtp_port}",
            secrets,
            lambda: _send_email(config, email_message(report, failing, where, config)),
        )
    return delivered


def failing_checks(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The report's checks that are not ok (as dicts)."""
    checks = report.get("checks") or []
    result = []
    for check in checks:
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
        "new": articles.get("new"),
        "updated": articles.get("updated"),
        "unchanged": articles.get("unchanged"),
        "dropped": dropped,
        "errors": report.get("errors"),
        "newest_published": report.get("newest_published"),
    }


def summary(report: Mapping[str, Any], failing: Sequence[Mapping[str, Any]], data_dir: Any) -> str:
    """The one line: run, verdict, each failing check with value and threshold, data dir."""
    parts = [_describe_check(c) for c in failing] or ["no failing check recorded"]
    verdict = report.get("verdict") or "unhealthy"
    where = f" (data dir {data_dir})" if data_dir else ""
    return f"run {report.get('run')} {verdict}: {'; '.join(parts)}{where}"


def payload(
    report: Mapping[str, Any], failing: Sequence[Mapping[str, Any]], data_dir: Any
) -> dict[str, Any]:
    """The webhook's JSON body; `text` is the summary line, for chat webhooks that show it."""
    return {
        "run": report.get("run"),
        "verdict": report.get("verdict") or "unhealthy",
        "host": socket.gethostname(),
        "data_dir": data_dir,
        "failing": list(failing),
        "figures": key_figures(report),
        "text": f"cri-crawler on {socket.gethostname()}: {summary(report, failing, data_dir)}",
    }


def email_message(
    report: Mapping[str, Any],
    failing: Sequence[Mapping[str, Any]],
    data_dir: Any,
    config: AlertConfig,
) -> EmailMessage:
    host = socket.gethostname()
    sender = config.email_from or "cri-crawler@localhost"
    message = EmailMessage()
    names = ", ".join(str(c.get("name")) for c in failing) or "no failing check recorded"
    message["Subject"] = f"[cri-crawler] unhealthy run on {host}: {names}"
    message["From"] = sender
    message["To"] = ", ".join(config.email_to)
    message["Date"] = formatdate(usegmt=True)
    # An explicit domain: make_msgid() would otherwise resolve this host's name (DNS).
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    state = report.get("verdict") or "unhealthy"
    lines = [
        f"The cri-crawler run {report.get('run')} on {host} is {state}.",
        "",
        "Failing checks:",
    ]
    for check in failing:
        description = _DESCRIPTIONS.get(str(check.get("name")), "")
        lines.append(f"  - {_describe_check(check)}" + (f": {description}" if description else ""))
    if not failing:
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


# -- channels -----------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: urllib would repeat a POST as a GET without its body."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post_webhook(config: AlertConfig, body: Mapping[str, Any]) -> None:
    assert config.webhook_url
    request = urllib.request.Request(
        config.webhook_url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json", "User-Agent": f"cri-crawler/{__version__}"},
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
            if "@" in parts.netloc:  # user:password@host
                values += [
                    parts.netloc.rpartition("@")[0],
                    parts.username or "",
                    parts.password or "",
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
