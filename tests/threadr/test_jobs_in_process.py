"""Without PostgreSQL there is no queue: a deferred task runs in the caller's process once its transaction commits,
never if it rolls back, and Procrastinate is not even imported."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from threadr.lib import jobs

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def calls() -> list[str]:
    return []


@pytest.fixture
def note(calls: list[str]) -> jobs.Task:
    return jobs.Task(name="tests.note", func=lambda *, text: calls.append(text))


def test_it_runs_the_task_once_the_transaction_commits(note: jobs.Task, calls: list[str]) -> None:
    with transaction.atomic():
        jobs.defer_in_process(note, text="saved")
        assert calls == []
    assert calls == ["saved"]


def test_it_never_runs_the_task_when_the_transaction_rolls_back(note: jobs.Task, calls: list[str]) -> None:
    with transaction.atomic():
        jobs.defer_in_process(note, text="abandoned")
        transaction.set_rollback(True)
    assert calls == []


def test_outside_a_transaction_it_runs_at_once(note: jobs.Task, calls: list[str]) -> None:
    jobs.defer_in_process(note, text="now")
    assert calls == ["now"]


def test_a_failing_task_is_logged_and_does_not_fail_the_caller(caplog: pytest.LogCaptureFixture) -> None:
    def explode() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="threadr.lib.jobs"), transaction.atomic():
        jobs.defer_in_process(jobs.Task(name="tests.explode", func=explode))
    assert "Task tests.explode failed (in-process, not retried)." in caplog.messages


def test_a_task_for_later_needs_the_queue(note: jobs.Task, calls: list[str]) -> None:
    with pytest.raises(jobs.JobsUnavailable, match="needs the PostgreSQL job queue"):
        jobs.defer_in_process(note, at=timezone.now() + timedelta(minutes=5), text="later")
    jobs.defer_in_process(note, at=timezone.now() - timedelta(seconds=1), text="due")
    assert calls == ["due"]


def test_on_sqlite_procrastinate_is_not_installed_nor_imported(tmp_path: Path) -> None:
    probe = (
        "import json, sys, django; django.setup();"
        "from django.apps import apps; from django.db import connection; from threadr.lib import jobs;"
        "import threadr.urls;"
        "print(json.dumps([connection.vendor, jobs.queue_in_database(),"
        " sorted({m.split('.')[0] for m in sys.modules if m.startswith('procrastinate')})]))"
    )
    env = {**os.environ, "DATABASE_URL": "", "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "threadr.settings"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(result.stdout.splitlines()[-1]) == ["sqlite", False, []]
