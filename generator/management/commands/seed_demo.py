"""`manage.py seed_demo`: a demo account with a few threads, for `make run` and screenshots.

Creates demo@threadr.localhost (email verified) with a random password printed once, then one thread per sample
article made by the built-in local engine. Running it again adds only what is missing and never prints or changes
the password. The threads are not generations, so the demo account starts with its whole quota."""

from __future__ import annotations

import secrets
from typing import Any

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from accounts.models import User
from generator.domain import Article, ThreadOptions
from generator.engines import build_thread, style_spec
from generator.local_engine import LocalEngine
from generator.models import Style, Thread
from generator.services import options_to_dict, thread_save

EMAIL = "demo@threadr.localhost"

ARTICLES = (
    (
        "summary",
        "Why small teams ship faster",
        "Small teams ship faster because every person holds the whole problem in their head. There is no hand-off "
        "between the person who understands the customer and the person who writes the code.\n\n"
        "Meetings shrink too. When five people own a product, a decision takes a conversation at a desk instead of "
        "a calendar invite for next Tuesday, and the work starts the same afternoon.\n\n"
        "Small teams also say no more often. They cannot build everything, so they build the one thing that "
        "matters and leave the rest. That constraint is the best product manager they will ever have.\n\n"
        "The cost is resilience. When one person is away, a fifth of the team is missing. The answer is written "
        "notes, shared code review and boring, well-documented deploys, not a bigger team.",
    ),
    (
        "howto",
        "How to write a weekly newsletter you can keep up",
        "Pick one day and one hour for writing, and protect it like a meeting with your most important customer. "
        "Consistency beats inspiration every single week.\n\n"
        "Keep a running list of ideas on your phone. Every time a reader asks a question, add it. By Friday you "
        "will have more topics than you can use.\n\n"
        "Write the draft in one sitting without editing. Editing while drafting doubles the time and halves the "
        "energy of the piece.\n\n"
        "Cut the first paragraph before you send. It is almost always you clearing your throat, and the second "
        "paragraph is where the real opening lives.\n\n"
        "Finally, end with one question for your readers. Their replies become next week's ideas, and the loop "
        "keeps itself going.",
    ),
    (
        "tips",
        "Five habits of people who answer email well",
        "They answer the easy emails at once. Anything that takes under two minutes never goes back into the "
        "inbox to be read a second time.\n\n"
        "They write subject lines that say what they need. A subject that reads 'Decision needed by Thursday' gets "
        "a decision by Thursday.\n\n"
        "They keep replies to five sentences or fewer. Short replies get read, and long ones get postponed.\n\n"
        "They batch the rest. Two or three sessions a day beat a constant trickle of interruptions.\n\n"
        "They archive without guilt. An inbox is a list of things to do, not a record of everything that "
        "ever happened.",
    ),
)


class Command(BaseCommand):
    help = f"Create the demo account {EMAIL} with a few threads (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="say what would be created, create nothing")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        user = User.objects.filter(email=EMAIL).first()
        existing = set(Thread.objects.filter(owner=user).values_list("title", flat=True)) if user else set()
        missing = [article for article in ARTICLES if article[1] not in existing]
        if dry_run:
            account = "no account (it exists)" if user else f"the account {EMAIL}"
            self.stdout.write(f"Would create {account} and {len(missing)} thread(s) (dry run).")
            return
        with transaction.atomic():
            if user is None:
                password = secrets.token_urlsafe(12)
                user = User.objects.create_user(EMAIL, password, display_name="Demo")
                EmailAddress.objects.create(user=user, email=EMAIL, primary=True, verified=True)
                self.stdout.write(f"Created {EMAIL} with password: {password}")
                self.stdout.write("The password is shown only now; run `manage.py changepassword` to set another.")
            else:
                self.stdout.write(f"{EMAIL} exists; its password is unchanged.")
            for slug, title, text in missing:
                self._thread(user, slug=slug, title=title, text=text)
        self.stdout.write(f"{len(missing)} demo thread(s) created.")

    def _thread(self, user: User, *, slug: str, title: str, text: str) -> None:
        options = ThreadOptions(style=slug)
        style = style_spec(slug)
        tweets = build_thread(
            engine=LocalEngine(), article=Article(text=text, title=title), options=options, style=style
        )
        thread = Thread(
            owner=user,
            title=title,
            source_text=text,
            style=Style.objects.filter(slug=style.slug).first(),
            options=options_to_dict(options),
            engine="local",
        )
        thread.set_tweets(tweets)
        thread_save(thread=thread)
