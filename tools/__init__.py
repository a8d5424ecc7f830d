"""Scripts for working on Threadr that are not part of the app: `python -m tools.screenshots`."""
