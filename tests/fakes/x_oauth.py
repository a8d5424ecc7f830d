"""The fake X's authorization server: OAuth 2.0 Authorization Code with PKCE, as X runs it.

What it holds to, from X's documentation and the answers X is seen to give:

- `/i/oauth2/authorize` takes `response_type=code`, `client_id`, `redirect_uri`, `scope`, `state`, `code_challenge`
  and `code_challenge_method` (S256 only here). A code lives 30 seconds and is good for one exchange.
- `/2/oauth2/token` is form-encoded. A public client names itself with `client_id` in the body; a confidential
  one (the fake has a secret) authenticates with HTTP Basic, and without it X answers 401 `unauthorized_client`
  "Missing valid authorization header". A wrong code, redirect URI or `code_verifier` is 400 `invalid_request`
  "Value passed for the authorization code was invalid.".
- Access tokens last two hours (`expires_in: 7200`). A refresh token comes only with `offline.access`, is single
  use and rotates: each refresh returns a new pair, and the spent token is then 400 `invalid_request` "Value
  passed for the token was invalid.".
- `/2/oauth2/revoke` answers `{"revoked": true}`. Revoking a refresh token ends its whole grant (RFC 7009 says a
  server should); revoking an access token ends that token only.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

CODE_LIFETIME = 30


class XError(Exception):
    """An answer other than success: status, JSON body and extra headers, as X would send them."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {body}")
        self.status, self.body, self.headers = status, body, headers or {}


def problem(status: int, title: str, detail: str | None = None, kind: str = "about:blank") -> XError:
    """X API v2's error body (RFC 7807 style), as its resource endpoints send it."""
    return XError(status, {"title": title, "detail": detail or title, "type": kind, "status": status})


def oauth_error(status: int, error: str, description: str) -> XError:
    return XError(status, {"error": error, "error_description": description})


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    user_id: str
    redirect_uri: str
    scope: str
    code_challenge: str
    expires_at: float
    used: bool = False


@dataclass
class Token:
    """An access or refresh token the fake issued; `grant` ties together every token of one authorization."""

    value: str
    kind: str  # "access" or "refresh"
    user_id: str
    client_id: str
    scope: str
    grant: int
    issued_at: float
    expires_at: float | None  # None: a refresh token, which does not expire here
    spent: bool = False  # a refresh token that was exchanged
    revoked: bool = False

    def usable(self, now: float) -> bool:
        return not (self.spent or self.revoked) and (self.expires_at is None or now < self.expires_at)


@dataclass
class AuthorizeRequest:
    """What the client sent to the authorize page, kept for tests to assert on."""

    client_id: str
    redirect_uri: str
    scope: str
    state: str
    code_challenge: str
    code_challenge_method: str
    params: dict[str, str]


@dataclass
class XOAuth:
    client_id: str
    client_secret: str = ""  # set: a confidential client, which must use HTTP Basic at the token endpoint
    redirect_uris: tuple[str, ...] = ()  # registered callback URLs; empty: any is accepted
    access_token_lifetime: int = 7200
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)  # every token ever issued, in order of issue
    authorize_requests: list[AuthorizeRequest] = field(default_factory=list)
    _grants: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # --- the authorize page --------------------------------------------------------------------------------------

    def authorize(self, params: dict[str, str], *, user_id: str | None) -> dict[str, str]:
        """The query to send back to `redirect_uri`: a code, or `error=access_denied` when no user consents.

        Raises `XError` for requests X shows an error page for instead of redirecting (unknown client, an
        unregistered redirect URI, no PKCE challenge, a method other than S256).
        """
        required = ("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge")
        missing = [name for name in required if not params.get(name)]
        if missing:
            raise problem(400, "Invalid Request", f"Missing required parameter(s): {', '.join(missing)}.")
        if params["response_type"] != "code":
            raise problem(400, "Invalid Request", "response_type must be code.")
        if params["client_id"] != self.client_id:
            raise problem(400, "Invalid Request", "Something went wrong: unknown client_id.")
        if self.redirect_uris and params["redirect_uri"] not in self.redirect_uris:
            raise problem(400, "Invalid Request", "Something went wrong: redirect_uri is not registered.")
        method = params.get("code_challenge_method", "plain")
        self.authorize_requests.append(
            AuthorizeRequest(
                client_id=params["client_id"],
                redirect_uri=params["redirect_uri"],
                scope=params["scope"],
                state=params["state"],
                code_challenge=params["code_challenge"],
                code_challenge_method=method,
                params=dict(params),
            )
        )
        if method != "S256":
            raise problem(400, "Invalid Request", "The fake X accepts code_challenge_method=S256 only.")
        if user_id is None:
            return {"error": "access_denied", "state": params["state"]}
        code = AuthorizationCode(
            code=_token(),
            client_id=params["client_id"],
            user_id=user_id,
            redirect_uri=params["redirect_uri"],
            scope=params["scope"],
            code_challenge=params["code_challenge"],
            expires_at=time.time() + CODE_LIFETIME,
        )
        self.codes[code.code] = code
        return {"state": params["state"], "code": code.code}

    # --- the token and revoke endpoints --------------------------------------------------------------------------

    def token(self, form: dict[str, str], authorization: str) -> dict[str, Any]:
        client_id = self._authenticate(form, authorization)
        grant_type = form.get("grant_type", "")
        if grant_type == "authorization_code":
            return self._exchange_code(form, client_id)
        if grant_type == "refresh_token":
            return self._refresh(form, client_id)
        raise oauth_error(400, "invalid_request", "Value passed for the grant_type was invalid.")

    def revoke(self, form: dict[str, str], authorization: str) -> dict[str, Any]:
        client_id = self._authenticate(form, authorization)
        token = self.tokens.get(form.get("token", ""))
        if token is not None and token.client_id == client_id:
            if token.kind == "refresh":
                for other in self.tokens.values():
                    if other.grant == token.grant:
                        other.revoked = True
            token.revoked = True
        # As RFC 7009 asks, an unknown token is no error: the client's goal, a dead token, is met.
        return {"revoked": True}

    def _authenticate(self, form: dict[str, str], authorization: str) -> str:
        if self.client_secret:
            scheme, _, encoded = authorization.partition(" ")
            try:
                decoded = base64.b64decode(encoded, validate=True).decode()
            except ValueError:
                decoded = ""
            client_id, _, secret = decoded.partition(":")
            valid = scheme.lower() == "basic" and unquote(client_id) == self.client_id
            valid = valid and form.get("client_id", self.client_id) == self.client_id  # X's docs list it; optional
            if not (valid and secrets.compare_digest(unquote(secret), self.client_secret)):
                raise oauth_error(401, "unauthorized_client", "Missing valid authorization header")
            return self.client_id
        if not form.get("client_id"):
            raise oauth_error(400, "invalid_request", "Missing required parameter [client_id].")
        if form["client_id"] != self.client_id:
            raise oauth_error(400, "invalid_request", "Value passed for the client_id was invalid.")
        return self.client_id

    def _exchange_code(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        for name in ("code", "redirect_uri", "code_verifier"):
            if not form.get(name):
                raise oauth_error(400, "invalid_request", f"Missing required parameter [{name}].")
        code = self.codes.get(form["code"])
        refused = oauth_error(400, "invalid_request", "Value passed for the authorization code was invalid.")
        if code is None or code.used or time.time() >= code.expires_at:
            raise refused
        code.used = True  # one attempt per code, right or wrong: a guessed verifier gets no second try
        if code.client_id != client_id or code.redirect_uri != form["redirect_uri"]:
            raise refused
        if not secrets.compare_digest(s256(form["code_verifier"]), code.code_challenge):
            raise refused
        return self._issue(user_id=code.user_id, client_id=client_id, scope=code.scope, grant=next(self._grants))

    def _refresh(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        token = self.tokens.get(form.get("refresh_token", ""))
        if token is None or token.kind != "refresh" or token.client_id != client_id or not token.usable(time.time()):
            raise oauth_error(400, "invalid_request", "Value passed for the token was invalid.")
        token.spent = True
        return self._issue(user_id=token.user_id, client_id=client_id, scope=token.scope, grant=token.grant)

    def _issue(self, *, user_id: str, client_id: str, scope: str, grant: int) -> dict[str, Any]:
        now = time.time()
        access = Token(_token(), "access", user_id, client_id, scope, grant, now, now + self.access_token_lifetime)
        self.tokens[access.value] = access
        answer: dict[str, Any] = {
            "token_type": "bearer",
            "expires_in": self.access_token_lifetime,
            "access_token": access.value,
            "scope": scope,
        }
        if "offline.access" in scope.split():
            refresh = Token(_token(), "refresh", user_id, client_id, scope, grant, now, None)
            self.tokens[refresh.value] = refresh
            answer["refresh_token"] = refresh.value
        return answer

    def grant(self, *, user_id: str, scope: str) -> dict[str, Any]:
        """A token answer for `user_id`, as if they had just connected through the authorize page."""
        return self._issue(user_id=user_id, client_id=self.client_id, scope=scope, grant=next(self._grants))

    # --- bearer checks for the API -------------------------------------------------------------------------------

    def bearer(self, authorization: str, *, needs: tuple[str, ...]) -> Token:
        """The access token a resource request carries, or X's 401 (or 403 when a scope is missing)."""
        scheme, _, value = authorization.partition(" ")
        token = self.tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if token is None or token.kind != "access" or not token.usable(time.time()):
            raise problem(401, "Unauthorized")
        missing = [scope for scope in needs if scope not in token.scope.split()]
        if missing:
            raise problem(403, "Forbidden", f"Missing scope(s): {', '.join(missing)}.")
        return token

    # --- what tests look at --------------------------------------------------------------------------------------

    def issued(self, kind: str, *, user_id: str | None = None) -> list[Token]:
        return [t for t in self.tokens.values() if t.kind == kind and (user_id is None or t.user_id == user_id)]

    def live(self, kind: str, *, user_id: str | None = None) -> list[Token]:
        now = time.time()
        return [token for token in self.issued(kind, user_id=user_id) if token.usable(now)]

    def expire_access_tokens(self) -> None:
        """Every access token issued so far has run out, as two hours passing would do."""
        for token in self.issued("access"):
            token.expires_at = min(token.expires_at or 0.0, time.time())


def _token() -> str:
    """Shaped like X's tokens: URL-safe base64, about 90 characters."""
    return secrets.token_urlsafe(66)
