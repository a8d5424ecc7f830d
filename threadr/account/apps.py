from django.apps import AppConfig


class AccountConfig(AppConfig):
    """Installed only so the admin finds `admin.py`; it has no models. The label differs from allauth's `account`."""

    name = "threadr.account"
    label = "threadr_account"
    verbose_name = "Account (every app)"
