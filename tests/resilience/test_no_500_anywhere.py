"""No input gets a 500. Every form on every page (found by walking the URL resolver and reading the pages as a
visitor, a member and staff would see them) and every operation of the API (read from its OpenAPI schema) is fed
hostile values: NUL bytes, lone surrogates, invalid UTF-8, huge strings, deep nesting and the wrong types. A new
page, form or endpoint is covered without touching this file; a new URL parameter asks for a sample value."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote_from_bytes, urljoin, urlsplit

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from accounts.services import api_token_create
from generator.models import Thread
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

EXAMPLES = 10

# Hostile text, as bytes on the wire: a NUL byte, a lone surrogate (as a browser that lets one through would encode
# it, which is invalid UTF-8), stray invalid bytes, huge strings, and any text at all. (A body over the limit is
# refused before any view reads it: tests/resilience/test_odd_input.py.)
HOSTILE_BYTES = st.one_of(
    st.text(max_size=40).map(lambda text: (text + "\x00" + text).encode()),
    st.just("\ud800".encode("utf-8", "surrogatepass")),
    st.binary(max_size=20),
    st.sampled_from([10_000, 300_000]).map(lambda size: b"x" * size),
    st.text().map(str.encode),
)
# A form field: left as the page had it, missing, empty, hostile, or sent more than once.
FORM_VALUE = st.one_of(
    st.just("default"),
    st.none(),
    st.just([b""]),
    HOSTILE_BYTES.map(lambda value: [value]),
    st.lists(HOSTILE_BYTES, min_size=2, max_size=3),
)


def nested(levels: int) -> Any:
    value: Any = "deep"
    for level in range(levels):
        value = [value] if level % 2 else {"n": value}
    return value


# Stands for 2,000 levels of nesting, written into the JSON text (Python itself cannot build or print it).
TOO_DEEP_FOR_PYTHON = "<2,000 levels of nesting>"


def json_text(value: Any) -> str:
    return json.dumps(value).replace(json.dumps(TOO_DEEP_FOR_PYTHON), "[" * 2_000 + "]" * 2_000)


HOSTILE_TEXT = st.one_of(
    st.text(max_size=40).map(lambda text: text + "\x00"),
    st.sampled_from(["\ud800", "a\udfffb", "\ufeff", "\u2028", "🇫"]),
    st.sampled_from([10_000, 300_000]).map(lambda size: "x" * size),
    st.text(),
)
# A JSON value of any type: hostile strings, numbers past every column's range, and nesting past any payload's.
HOSTILE_JSON = st.one_of(
    HOSTILE_TEXT,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 2**31, 2**63, 1.5, float("inf"), float("nan"), True, False, None]),
    st.just(nested(33)),
    st.just(TOO_DEEP_FOR_PYTHON),
    st.recursive(
        st.none() | st.booleans() | st.integers() | HOSTILE_TEXT,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(HOSTILE_TEXT, children, max_size=4),
        max_leaves=8,
    ),
)
# An id in an address: a real one, one that does not exist, and ones no database column holds.
HOSTILE_ID = st.sampled_from(["real", 0, 987_654, 2**31, 10**30])


# --- The forms ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    who: str  # "visitor", "member" or "staff": who sees the page the form is on
    method: str
    action: str
    fields: tuple[tuple[str, str], ...]  # names and the values the page gave them

    def __str__(self) -> str:
        return f"{self.who}: {self.method} {self.action} {[name for name, _ in self.fields]}"


class FormReader(HTMLParser):
    """Every <form> of a page with its named controls, as a browser would submit it."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[tuple[str, str, list[tuple[str, str]]]] = []
        self._open: tuple[str, str, list[tuple[str, str]]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            method = found.get("method", "get").lower()
            self._open = (method, urljoin(self.page, found.get("action") or self.page), [])
            if method in {"get", "post"}:
                self.forms.append(self._open)
        elif self._open is not None and tag in {"input", "textarea", "select", "button"} and found.get("name"):
            self._open[2].append((found["name"], found.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def routes(patterns: list[Any], namespace: str = "", prefix: str = "/") -> Iterator[tuple[str, str, list[str]]]:
    """Every page of the site as (name for `reverse`, address if it has no name, parameters); Django's admin is
    left to Django."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routes(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = namespace + pattern.name if pattern.name else ""
            yield name, prefix + str(pattern.pattern), list(pattern.pattern.regex.groupindex)


def page_urls(samples: dict[str, Any]) -> list[str]:
    urls = []
    for name, address, parameters in routes(get_resolver().url_patterns):
        missing = [parameter for parameter in parameters if parameter not in samples]
        assert not missing, f"{name or address} takes {missing}: add a sample value in test_no_form_answers_500"
        url = reverse(name, kwargs={parameter: samples[parameter] for parameter in parameters}) if name else address
        if not url.startswith("/api/"):  # the API has no pages; its schema drives the second test
            urls.append(url)
    return urls


def every_form(clients: dict[str, Client], urls: list[str]) -> list[Form]:
    forms: dict[tuple[str, str, tuple[str, ...]], Form] = {}
    for who, client in clients.items():
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            reader = FormReader(url)
            reader.feed(response.content.decode())
            for method, action, fields in reader.forms:
                path = urlsplit(action).path
                key = (method, path, tuple(sorted(name for name, _ in fields)))
                forms.setdefault(key, Form(who, method, path, tuple(fields)))
    return list(forms.values())


def form_body(form: Form, values: dict[str, Any]) -> bytes:
    pairs: list[tuple[bytes, bytes]] = []
    for name, default in form.fields:
        value = values.get(name, "default")
        if name == "csrfmiddlewaretoken" or value == "default":
            pairs.append((name.encode(), default.encode()))
        elif value is not None:
            pairs.extend((name.encode(), each) for each in value)
    return b"&".join(quote_from_bytes(name).encode() + b"=" + quote_from_bytes(each).encode() for name, each in pairs)


@pytest.fixture
def cast(alice: User, settings: Any) -> dict[str, Any]:
    """Alice with a shared thread, an API token and a staff colleague; limits out of the way so that every
    request reaches the code that reads the input, not a throttle."""
    settings.ACCOUNT_RATE_LIMITS = False
    # Hundreds of wrong passwords: a quick hasher keeps the run short (how a password is hashed is not under test).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    alice.set_password(PASSWORD)
    alice.save()
    settings.GENERATION_RATE_PER_USER = settings.GENERATION_RATE_PER_IP = 100_000
    settings.FREE_DAILY_LIMIT = settings.FREE_MONTHLY_LIMIT = 100_000
    # Publishing configured (against no X: nothing here reaches it), so its endpoints are fuzzed past the 503
    # `publishing_unavailable` they answer without X_CLIENT_ID.
    settings.X_CLIENT_ID = "fuzz-client"
    settings.FIELD_ENCRYPTION_KEY = [Fernet.generate_key().decode()]
    thread = Thread(owner=alice, title="Fuzzed", engine="local", source_text="Short source. Another sentence.")
    thread.set_tweets(["First tweet.", "Second tweet."])
    thread.share_token = "shared-fuzz-token"
    thread.save()
    staff = make_user("staff@example.com", is_staff=True)
    return {"alice": alice, "staff": staff, "thread": thread, "token": api_token_create(user=alice, name="fuzz").raw}


def signed_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_no_form_answers_500(cast: dict[str, Any]) -> None:
    samples = {"pk": cast["thread"].pk, "position": 0, "token": cast["thread"].share_token, "plan_slug": "pass-30"}
    samples |= {"digest": "0123abcd"}  # a shared image URL with a stale digest redirects to the current one
    samples |= {"key": "not-a-real-key", "uidb36": "1"}  # allauth's email confirmation and password reset links
    people = {"visitor": None, "member": cast["alice"], "staff": cast["staff"]}
    forms = every_form({who: signed_in(user) for who, user in people.items()}, page_urls(samples))
    assert {"/accounts/login/", "/accounts/signup/", "/accounts/settings/tokens/", "/app/threads/"} <= {
        form.action for form in forms
    }

    for form in forms:
        form_never_fails(form, people[form.who])


def form_never_fails(form: Form, user: User | None) -> None:
    @given(values=st.fixed_dictionaries({}, optional=dict.fromkeys((name for name, _ in form.fields), FORM_VALUE)))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def never_a_server_error(values: dict[str, Any]) -> None:
        client = signed_in(user)  # afresh: a fuzzed sign-out must not end the next example
        body = form_body(form, values)
        if form.method == "post":
            response = client.post(form.action, body, content_type="application/x-www-form-urlencoded")
        else:
            response = client.generic("GET", f"{form.action}?{body.decode()}")
        assert response.status_code < 500, f"{form} with {repr(values)[:500]}: {response.status_code}"

    never_a_server_error()


# --- The API ------------------------------------------------------------------------------------------------


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path, operation


def resolved(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def request_fields(schema: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    body = next(iter(content.values()), {}).get("schema", {})
    return sorted(resolved(schema, body).get("properties", {}))


@st.composite
def api_request(draw: st.DrawFn, schema: dict[str, Any], path: str, operation: dict[str, Any], real_id: int) -> Any:
    """An address, a query string and a body for one operation, each part hostile or plausible."""
    parameters = operation.get("parameters", [])
    for parameter in (each for each in parameters if each["in"] == "path"):
        value = draw(HOSTILE_ID)
        path = path.replace("{" + parameter["name"] + "}", str(real_id if value == "real" else value))
    query = {
        parameter["name"]: draw(HOSTILE_BYTES)
        for parameter in parameters
        if parameter["in"] == "query" and draw(st.booleans())
    }
    fields = request_fields(schema, operation)
    body = draw(
        st.one_of(
            st.fixed_dictionaries({}, optional=dict.fromkeys(fields, HOSTILE_JSON)),
            HOSTILE_JSON,  # the wrong type for the body itself
        )
    )
    as_form = draw(st.booleans()) and isinstance(body, dict)
    return path, query, body, as_form


def test_no_api_operation_answers_500(cast: dict[str, Any]) -> None:
    schema = json.loads(
        signed_in(None).get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).content
    )
    found = list(operations(schema))
    assert len(found) >= 10
    client = Client(headers={"Authorization": f"Bearer {cast['token']}"})

    for method, path, operation in found:
        # Deleting the real thread would leave every later operation only 404s to answer.
        real_id = 987_654 if method == "delete" else cast["thread"].pk
        operation_never_fails(client, method.upper(), api_request(schema, path, operation, real_id))


def operation_never_fails(client: Client, method: str, requests: st.SearchStrategy[Any]) -> None:
    @given(request=requests)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def never_a_server_error(request: Any) -> None:
        address, query, body, as_form = request
        if query:
            address += "?" + "&".join(f"{name}={quote_from_bytes(value)}" for name, value in query.items())
        if as_form:
            encoded = "&".join(f"{form_quoted(name)}={form_quoted(value)}" for name, value in body.items())
            response = client.generic(method, address, encoded, "application/x-www-form-urlencoded")
        else:
            encoded = json_text(body)
            response = client.generic(method, address, encoded, "application/json")
        label = f"{method} {address[:200]} with {encoded[:300]!r}"
        assert response.status_code < 500, f"{label}: {response.status_code} {response.content[:300]!r}"
        if response.status_code >= 400 and response["Content-Type"] == "application/json":
            assert set(response.json()["error"]) >= {"code", "message"}, label

    never_a_server_error()


def form_quoted(value: Any) -> str:
    """Any JSON value as a browser would put it in a form: its text, lone surrogates as (invalid) UTF-8."""
    return quote_from_bytes(str(value).encode("utf-8", "surrogatepass"))
