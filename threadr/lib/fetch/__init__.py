"""The one door for outbound HTTP to addresses a user typed: a GET that cannot be turned against our own network.

`policy` decides where a URL may lead: it parses the URL as a browser would, resolves the host once and vets
every address against the non-public networks. `transport` goes there: it connects to the vetted address itself,
speaks HTTP and TLS, re-vets every redirect, and reads a capped body, all inside one FETCH_TIMEOUT deadline.
`page` holds what both hand back. Imports no app: callers turn `FetchError` into their own exceptions.
"""

from threadr.lib.fetch.page import FetchedPage, FetchError
from threadr.lib.fetch.policy import address_allowed, parse_url
from threadr.lib.fetch.transport import USER_AGENT, fetch

__all__ = ["USER_AGENT", "FetchError", "FetchedPage", "address_allowed", "fetch", "parse_url"]
