"""Email is the login: unique whatever its case, and no username anywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from tests.conftest import PASSWORD


def test_it_stores_emails_in_lower_case(alice):
    assert alice.email == "alice@example.com"
    assert User.objects.create_user("Carol@Example.COM", PASSWORD).email == "carol@example.com"


def test_it_refuses_a_second_account_for_the_same_email_in_another_case(alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        User(email="ALICE@example.com").save()


def test_a_user_signs_in_with_their_email_in_any_case(alice):
    assert authenticate(username="Alice@Example.com", password=PASSWORD) == alice


def test_it_has_no_username_field():
    assert User.USERNAME_FIELD == "email"
    assert "username" not in {field.name for field in User._meta.get_fields()}


def test_premium_follows_premium_until(alice, bob):
    assert not alice.is_premium()
    assert bob.is_premium()
    assert not bob.is_premium(now=timezone.now() + timedelta(days=11))


def test_passwords_are_hashed_with_argon2(alice):
    assert alice.password.startswith("argon2")
