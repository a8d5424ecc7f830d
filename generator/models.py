"""Models arrive with their feature; see the open issues."""
