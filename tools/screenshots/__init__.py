"""The README's screenshots: `python -m tools.screenshots` (see __main__.py)."""
