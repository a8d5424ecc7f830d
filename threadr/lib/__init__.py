"""Cross-app helpers. Nothing in this package imports an app."""
