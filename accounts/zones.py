"""IANA time zone names, as zoneinfo knows them: the ones a person may store on their profile."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, available_timezones


@cache
def time_zone_names() -> tuple[str, ...]:
    # "localtime" and the bare "Factory" are artefacts of the system database, not places anyone lives in.
    return tuple(sorted(name for name in available_timezones() if name not in {"localtime", "Factory"}))


def time_zone_known(name: str) -> bool:
    return name in _known()


@cache
def _known() -> frozenset[str]:
    return frozenset(time_zone_names())


def zone_named(name: str) -> ZoneInfo:
    """The profile's zone, or UTC while it has none (or one this system no longer knows)."""
    return ZoneInfo(name) if name and time_zone_known(name) else ZoneInfo("UTC")
