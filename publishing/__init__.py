"""Publishing threads to X: the linked X account, publications and their tweets, the posting runner and its jobs."""
