"""The whole account, gathered from every app: the settings page, the data export, deleting the account, and the
admin's screen of a user. Each needs accounts, billing and the generator at once, so it lives here, above them,
and no app has to import one above its own layer."""
