"""Delivery adapters. E-mail goes through Django's mail backends (console, file or SMTP by
``EMAIL_BACKEND``, Django's default mailer); SMS through the backend named by ``SMS_BACKEND``.

Each call carries an idempotency key (the dossier event and channel): the HTTP gateway is
asked to drop a message it has seen, which covers a worker that dies after sending.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The message may not have gone out; the task retries it."""


def send_email(*, to: str, subject: str, text: str, key: str) -> str:
    message = EmailMessage(subject=subject, body=text, to=[to], headers={"X-Idempotency-Key": key})
    try:
        message.send()
    except OSError as exc:
        raise DeliveryError(str(exc)) from exc
    return key


def send_sms(*, to: str, text: str, key: str) -> str:
    backend = settings.SMS_BACKEND
    if backend == "console":
        logger.info("SMS to %s [%s]: %s", to, key, text)
        return key
    if backend == "file":
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{timezone.localdate():%Y%m%d}.jsonl").open("a", encoding="utf-8") as f:
            f.write(json.dumps({"to": to, "key": key, "text": text}, ensure_ascii=False) + "\n")
        return key
    return _send_sms_http(to=to, text=text, key=key)


def _send_sms_http(*, to: str, text: str, key: str) -> str:
    body = json.dumps({"to": to, "text": text, "idempotency_key": key}).encode()
    request = urllib.request.Request(
        settings.SMS_GATEWAY_URL,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read() or b"{}")
    except (OSError, ValueError) as exc:
        raise DeliveryError(str(exc)) from exc
    return str(answer.get("id", key))
