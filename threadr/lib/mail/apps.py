from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "threadr.lib.mail"
    label = "mail"
    verbose_name = "Mail"
