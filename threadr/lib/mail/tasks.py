"""The outbox's periodic work: what a down or slow mail server left behind goes out once it answers again."""

from __future__ import annotations

import logging

from django.utils import timezone

from threadr.lib import jobs
from threadr.lib.mail.services import outbox_prune, outbox_send_all_due

logger = logging.getLogger(__name__)


@jobs.periodic(name="mail.send_pending", cron="* * * * *")
def send_pending_mail() -> None:
    delivery = outbox_send_all_due()
    outbox_prune(now=timezone.now())
    if delivery.failed:
        # Each failed email keeps its error and next attempt in the outbox; the job itself has nothing to retry.
        logger.warning("Outbox: %s email(s) failed again, %s sent.", delivery.failed, delivery.sent)
