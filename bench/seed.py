"""Seed the bench database: `python bench/seed.py USERS THREADS` creates premium users with verified emails and API
tokens, gives the first one THREADS threads for the history figure, and prints the tokens as JSON."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import api_token_create  # noqa: E402
from generator.models import Thread  # noqa: E402

UNUSABLE = "!"  # Django's mark for an unusable password: bench users only sign in with API tokens
TWEETS = [f"{index}/6 Small releases win: every change is easy to review and roll back." for index in range(1, 7)]


def main() -> None:
    users, threads = int(sys.argv[1]), int(sys.argv[2])
    premium_until = timezone.now() + timedelta(days=30)
    people = User.objects.bulk_create(
        User(email=f"bench{index}@example.com", password=UNUSABLE, premium_until=premium_until)
        for index in range(users)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in people
    )
    history = []
    for index in range(threads):
        thread = Thread(owner=people[0], title=f"Bench thread {index}", engine="openai", source_text="Source.")
        thread.set_tweets(TWEETS)
        history.append(thread)
    Thread.objects.bulk_create(history)
    tokens = [api_token_create(user=user, name="bench").raw for user in people]
    print(json.dumps({"tokens": tokens}))


if __name__ == "__main__":
    main()
