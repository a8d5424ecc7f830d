"""python manage.py issuetoken EMAIL [--name NAME]: print a new API token for an existing account."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for the account with this email and print it (it is not shown again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="Command line", help="a label to recognise the token by")

    def handle(self, *args: Any, email: str, name: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account uses {email}.")
        if not user.is_active:
            raise CommandError(f"The account {user.email} is deactivated.")
        issued = api_token_create(user=user, name=name)
        self.stdout.write(issued.raw)
