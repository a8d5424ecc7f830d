"""The throttles' counters in PostgreSQL, for the limits that must hold while Redis is down (threadr.lib.throttle)."""
