"""Delivering alerts: a webhook (JSON ``POST``) and e-mail (SMTP), retried with back-off, never dropped.

Every raised alert is owed once to every channel configured in ``client.yaml`` ``alerts:``. What is
owed and not yet delivered is the *outbox*: it is derived from the alert log
(:mod:`cxlib.inputs.alert_log`), so a restart after a crash resumes it, and it is written to
``alerts.outbox.json`` in the report folder for anyone to see what is pending and why. A failed
attempt is tried again after :func:`retry_delay` (2 s, 4 s, 8 s… capped at 5 minutes), for as
long as it takes.

The SMTP password comes from the environment variable ``alerts.email.password_env`` names, never
from ``client.yaml``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from pathlib import Path

from cxlib.core.files import write_text_atomic
from cxlib.core.i18n import Translator
from cxlib.inputs.alert_log import delivery_attempts, now
from cxlib.inputs.config import Alerts, EmailAlerts

FIRST_RETRY_SECONDS = 2.0
LONGEST_RETRY_SECONDS = 300.0
WEBHOOK_TIMEOUT_SECONDS = 5.0
SMTP_TIMEOUT_SECONDS = 10.0


class DeliveryError(Exception):
    """One attempt failed; the message says why (it goes to the log and the outbox)."""


def channels(settings: Alerts) -> list[str]:
    """The channels ``client.yaml`` configures, in delivery order."""
    return [
        name for name, configured in (("webhook", settings.webhook), ("email", settings.email)) if configured
    ]


def retry_delay(failed_attempts: int) -> float:
    """Seconds to wait after the n-th failed attempt: 2, 4, 8… up to :data:`LONGEST_RETRY_SECONDS`."""
    return min(FIRST_RETRY_SECONDS * 2 ** (failed_attempts - 1), LONGEST_RETRY_SECONDS)


@dataclass
class Pending:
    """One alert owed to one channel."""

    alert_id: str
    level: str
    channel: str
    attempts: int
    next_attempt: str
    last_error: str | None


def outbox(events: list[dict], settings: Alerts) -> list[Pending]:
    """What the log says is owed: every raised alert and channel without a successful attempt."""
    attempts = delivery_attempts(events)
    owed = []
    for event in events:
        if event["event"] != "raised":
            continue
        for channel in channels(settings):
            tried = attempts.get((event["alert_id"], event["level"], channel), [])
            if any(attempt["ok"] for attempt in tried):
                continue
            next_attempt = event["at"]
            if tried:
                last = dt.datetime.fromisoformat(tried[-1]["at"])
                next_attempt = (last + dt.timedelta(seconds=retry_delay(len(tried)))).isoformat()
            owed.append(
                Pending(
                    event["alert_id"],
                    event["level"],
                    channel,
                    len(tried),
                    next_attempt,
                    tried[-1]["error"] if tried else None,
                )
            )
    return owed


def write_outbox(path: Path, owed: list[Pending]) -> None:
    """``alerts.outbox.json``: the pending deliveries, written atomically."""
    write_text_atomic(path, json.dumps([asdict(item) for item in owed], indent=2, ensure_ascii=False))


def alert_message(alert: dict, t: Translator) -> tuple[str, str]:
    """Subject and text of an alert in the client's language: the touchpoint, the promise at stake,
    the figures against the control limit, and the link to the report."""
    if alert["metric"] == "rate":

        def as_value(value: float) -> str:
            return t.percent(value, 1)
    else:

        def as_value(value: float) -> str:
            return t.number(value, 2)

    subject = t(
        "watch.subject",
        level=t(f"journey.level.{alert['level']}"),
        touchpoint=alert["touchpoint"],
        touchpoint_id=alert["touchpoint_id"],
        client=alert["client_name"],
    )
    lines = [
        subject,
        "",
        t("watch.promise", promise=alert["promise"] or t("journey.no_promise")),
        t(
            f"watch.figures.{alert['metric']}",
            worst=as_value(alert["worst"]),
            limit=as_value(alert["limit"]),
            centre=as_value(alert["centre"]),
            weeks=alert["weeks"],
            since=t.date(dt.date.fromisoformat(alert["first_week"]), "long"),
        ),
        t("watch.report_link", link=alert["link"]),
        t("watch.acknowledge", client=alert["client_dir"], alert_id=alert["alert_id"]),
    ]
    return subject, "\n".join(lines)


def send_webhook(url: str, alert: dict, subject: str, text: str) -> None:
    """``POST`` the alert as JSON (its fields, plus ``subject`` and ``text``); any 2xx is delivered.

    Raises
    ------
    DeliveryError
        On a connection failure, a timeout or a non-2xx status.
    """
    body = json.dumps(alert | {"subject": subject, "text": text}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"the webhook answered HTTP {error.code} {error.reason}") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(f"the webhook could not be reached ({reason})") from error


def send_email(settings: EmailAlerts, subject: str, text: str) -> None:
    """Send the alert by SMTP to every ``to`` address.

    Raises
    ------
    DeliveryError
        When the password's environment variable is unset, or SMTP fails.
    """
    password = None
    if settings.password_env:
        password = os.environ.get(settings.password_env)
        if password is None:
            raise DeliveryError(
                f"the environment variable {settings.password_env} (alerts.email.password_env) is not set; "
                "export it with the SMTP password before 'cxwb watch'"
            )
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, settings.sender, ", ".join(settings.to)
    message.set_content(text)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS) as server:
            if settings.starttls:
                server.starttls()
            if settings.username and password is not None:
                server.login(settings.username, password)
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"SMTP {settings.smtp} failed ({error})") from error


def deliver_due(
    events: list[dict], settings: Alerts, t: Translator, moment: dt.datetime | None = None
) -> list[dict]:
    """Try every owed delivery whose time has come; return the ``attempt`` events to log."""
    moment = moment or dt.datetime.now(dt.UTC)
    alerts = {(event["alert_id"], event["level"]): event for event in events if event["event"] == "raised"}
    attempts = []
    for item in outbox(events, settings):
        if dt.datetime.fromisoformat(item.next_attempt) > moment:
            continue
        alert = {key: value for key, value in alerts[(item.alert_id, item.level)].items() if key != "event"}
        subject, text = alert_message(alert, t)
        error = None
        try:
            if item.channel == "webhook":
                send_webhook(settings.webhook, alert, subject, text)
            else:
                send_email(settings.email, subject, text)
        except DeliveryError as failure:
            error = str(failure)
        attempts.append(
            {
                "event": "attempt",
                "alert_id": item.alert_id,
                "level": item.level,
                "channel": item.channel,
                "attempt": item.attempts + 1,
                "at": now(),
                "ok": error is None,
                "error": error,
            }
        )
    return attempts
