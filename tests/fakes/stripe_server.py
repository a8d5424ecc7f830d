"""A fake Stripe API on 127.0.0.1, enough of it for the real `stripe` SDK to run Threadr's billing against.

It speaks Stripe's wire protocol: form-encoded bodies with bracketed keys (`line_items[0][price]=...`), JSON
answers, Stripe's error envelope, `Idempotency-Key` replay, and `expand[]` for the one field we expand. State lives
in memory and tests script it the way Stripe would change it: a customer pays, a bank debit is still processing,
a charge is refunded or lost in a dispute, a subscription renews, fails or is cancelled. Each scripted change also
records the event Stripe would send, so `GET /v1/events` (what reconcile reads) sees it.
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.serving import serving

DAY = 24 * 3600


def decode_form(body: str) -> dict[str, Any]:
    """`a[b][0][c]=x` into {"a": {"b": [{"c": "x"}]}}, as Stripe reads it."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_lists(node[key]) for key in sorted(node, key=int)]
    return {key: _lists(value) for key, value in node.items()}


class StripeFailure(Exception):
    def __init__(self, status: int, message: str, kind: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind


class FakeStripe:
    """State and behaviour; `FakeStripeServer` puts it on a socket."""

    def __init__(self, prices: dict[str, dict[str, Any]]) -> None:
        self.prices = prices
        self.objects: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str, dict[str, Any], dict[str, str]]] = []
        self.livemode = False
        self._idempotent: dict[str, dict[str, Any]] = {}
        self._failures: list[int] = []
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        # Called with (method, path) as each API request arrives, before it is answered: lets a test look at the
        # world from outside the app at the moment the app is waiting on Stripe.
        self.on_request: Callable[[str, str], None] | None = None

    # --- scripting, as Stripe would change things ---------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):06d}"

    def fail_next(self, status: int, times: int = 1) -> None:
        """The next `times` API calls answer `status` (500s carry Stripe's "retry me" header)."""
        self._failures.extend([status] * times)

    def pay_session(self, session_id: str) -> dict[str, Any]:
        """The customer paid: what a card payment completing in Checkout does."""
        with self._lock:
            session = self.objects[session_id]
            session.update(status="complete", payment_status="paid")
            if session["mode"] == "payment":
                charge = self._charge(session)
                session["payment_intent"] = charge["payment_intent"]
            else:
                subscription = self._subscription(session)
                session["subscription"] = subscription["id"]
                session["invoice"] = self._invoice(subscription, status="paid")["id"]
                self.event("customer.subscription.created", subscription)
            self.event("checkout.session.completed", session)
            return copy.deepcopy(session)

    def submit_session_unpaid(self, session_id: str) -> dict[str, Any]:
        """Checkout finished with a payment method that takes days to clear (a bank debit)."""
        with self._lock:
            session = self.objects[session_id]
            session.update(status="complete", payment_status="unpaid")
            self.event("checkout.session.completed", session)
            return copy.deepcopy(session)

    def fail_session(self, session_id: str) -> dict[str, Any]:
        with self._lock:
            session = self.objects[session_id]
            self.event("checkout.session.async_payment_failed", session)
            return copy.deepcopy(session)

    def refund(self, charge_id: str, amount: int | None = None) -> dict[str, Any]:
        with self._lock:
            return self._refund(charge_id, amount)

    def dispute(self, charge_id: str, status: str) -> dict[str, Any]:
        """A dispute on the charge, closed with `status` ("lost" or "won")."""
        with self._lock:
            amount = self.objects[charge_id]["amount"]
            dispute = self._store(
                {"id": self.new_id("du"), "object": "dispute", "charge": charge_id, "status": status, "amount": amount}
            )
            self.objects[charge_id]["disputed"] = True
            self.event("charge.dispute.closed", dispute)
            return copy.deepcopy(dispute)

    def update_subscription(self, subscription_id: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            subscription = self.objects[subscription_id]
            period_end = fields.pop("current_period_end", None)
            if period_end is not None:
                subscription["items"]["data"][0]["current_period_end"] = period_end
            subscription.update(fields)
            self.event("customer.subscription.updated", subscription)
            return copy.deepcopy(subscription)

    def cancel_subscription(self, subscription_id: str) -> dict[str, Any]:
        with self._lock:
            subscription = self.objects[subscription_id]
            subscription.update(status="canceled", ended_at=int(time.time()), canceled_at=int(time.time()))
            self.event("customer.subscription.deleted", subscription)
            return copy.deepcopy(subscription)

    def renew_subscription(self, subscription_id: str, *, paid: bool) -> dict[str, Any]:
        """A new period begins; its invoice is paid, or fails and leaves the subscription past due."""
        with self._lock:
            subscription = self.objects[subscription_id]
            item = subscription["items"]["data"][0]
            item["current_period_start"] = item["current_period_end"]
            item["current_period_end"] += 30 * DAY
            subscription["status"] = "active" if paid else "past_due"
            invoice = self._invoice(subscription, status="paid" if paid else "open")
            self.event("invoice.paid" if paid else "invoice.payment_failed", invoice)
            self.event("customer.subscription.updated", subscription)
            return copy.deepcopy(invoice)

    def event(self, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Record the event Stripe would send now, carrying a snapshot of the object."""
        event = {
            "id": self.new_id("evt"),
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "livemode": self.livemode,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
            "data": {"object": copy.deepcopy(obj)},
        }
        self.events.append(event)
        return copy.deepcopy(event)

    # --- objects -------------------------------------------------------------------------------------------------

    def _store(self, obj: dict[str, Any]) -> dict[str, Any]:
        obj.setdefault("livemode", self.livemode)
        obj.setdefault("created", int(time.time()))
        self.objects[obj["id"]] = obj
        return obj

    def _charge(self, session: dict[str, Any]) -> dict[str, Any]:
        intent_id, charge_id = self.new_id("pi"), self.new_id("ch")
        self._store(
            {"id": intent_id, "object": "payment_intent", "status": "succeeded", "latest_charge": charge_id,
             "amount": session["amount_total"], "currency": session["currency"], "customer": session["customer"]}
        )  # fmt: skip
        return self._store(
            {"id": charge_id, "object": "charge", "amount": session["amount_total"], "amount_refunded": 0,
             "currency": session["currency"], "customer": session["customer"], "payment_intent": intent_id,
             "paid": True, "refunded": False, "disputed": False, "status": "succeeded"}
        )  # fmt: skip

    def _subscription(self, session: dict[str, Any]) -> dict[str, Any]:
        now = int(time.time())
        price_id = session["line_items"][0]["price"]
        subscription_id = self.new_id("sub")
        item = {"id": self.new_id("si"), "object": "subscription_item", "subscription": subscription_id,
                "price": {"id": price_id, "object": "price", **self.prices[price_id]}, "quantity": 1,
                "current_period_start": now, "current_period_end": now + 30 * DAY}  # fmt: skip
        return self._store(
            {"id": subscription_id, "object": "subscription", "customer": session["customer"], "status": "active",
             "cancel_at_period_end": False, "canceled_at": None, "ended_at": None,
             "metadata": session.get("subscription_data", {}).get("metadata", {}),
             "items": {"object": "list", "data": [item], "has_more": False, "url": "/v1/subscription_items"}}
        )  # fmt: skip

    def _invoice(self, subscription: dict[str, Any], *, status: str) -> dict[str, Any]:
        price = subscription["items"]["data"][0]["price"]
        return self._store(
            {"id": self.new_id("in"), "object": "invoice", "status": status, "customer": subscription["customer"],
             "amount_due": price["unit_amount"], "amount_paid": price["unit_amount"] if status == "paid" else 0,
             "currency": price["currency"], "billing_reason": "subscription_cycle",
             "parent": {"type": "subscription_details",
                        "subscription_details": {"subscription": subscription["id"], "metadata": {}}}}
        )  # fmt: skip

    def _refund(self, charge_id: str, amount: int | None) -> dict[str, Any]:
        charge = self.objects.get(charge_id)
        if charge is None or charge["object"] != "charge":
            raise StripeFailure(404, f"No such charge: '{charge_id}'")
        left = charge["amount"] - charge["amount_refunded"]
        amount = left if amount is None else amount
        if amount <= 0 or amount > left:
            raise StripeFailure(400, "Refund amount is greater than the unrefunded amount.")
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        refund = self._store(
            {"id": self.new_id("re"), "object": "refund", "amount": amount, "charge": charge_id,
             "payment_intent": charge["payment_intent"], "status": "succeeded", "currency": charge["currency"]}
        )  # fmt: skip
        self.event("charge.refunded", charge)
        return refund

    # --- the API -----------------------------------------------------------------------------------------------------

    def handle(self, method: str, path: str, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        if self.on_request is not None:
            self.on_request(method, path)
        with self._lock:
            self.requests.append((method, path, params, headers))
            if self._failures:
                status = self._failures.pop(0)
                raise StripeFailure(status, "Something went wrong on the fake's end.", "api_error")
            key = headers.get("idempotency-key")
            if method == "POST" and key:
                if key not in self._idempotent:
                    self._idempotent[key] = self._route(method, path, params)
                return copy.deepcopy(self._idempotent[key])
            return copy.deepcopy(self._route(method, path, params))

    def _route(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        parts = path.strip("/").split("/")[1:]  # drop "v1"
        if method == "POST":
            creators = {
                ("customers",): self._create_customer,
                ("checkout", "sessions"): self._create_session,
                ("billing_portal", "sessions"): self._create_portal,
                ("refunds",): lambda p: self._refund(p["charge"], int(p["amount"]) if "amount" in p else None),
            }
            creator = creators.get(tuple(parts))
            if creator is None:
                raise StripeFailure(404, f"Unrecognized request URL (POST: {path}).")
            return creator(params)
        if parts == ["events"]:
            return self._list_events(params)
        return self._retrieve(parts, params)

    def _retrieve(self, parts: list[str], params: dict[str, Any]) -> dict[str, Any]:
        kinds = {
            "customers": "customer",
            "sessions": "checkout.session",
            "subscriptions": "subscription",
            "charges": "charge",
            "payment_intents": "payment_intent",
            "disputes": "dispute",
            "invoices": "invoice",
        }
        kind = kinds.get(parts[-2]) if len(parts) >= 2 else None
        obj = self.objects.get(parts[-1])
        if kind is None or obj is None or obj["object"] != kind:
            raise StripeFailure(404, f"No such {kind or 'object'}: '{parts[-1]}'")
        obj = copy.deepcopy(obj)
        if "latest_charge" in params.get("expand", []):
            obj["latest_charge"] = copy.deepcopy(self.objects[obj["latest_charge"]])
        return obj

    def _create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._store(
            {"id": self.new_id("cus"), "object": "customer", "email": params.get("email"),
             "metadata": params.get("metadata", {})}
        )  # fmt: skip

    def _create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        price_id = params["line_items"][0]["price"]
        price = self.prices.get(price_id)
        if price is None:
            raise StripeFailure(400, f"No such price: '{price_id}'")
        if params["customer"] not in self.objects:
            raise StripeFailure(400, f"No such customer: '{params['customer']}'")
        session_id = self.new_id("cs_test")
        return self._store(
            {"id": session_id, "object": "checkout.session", "mode": params["mode"], "status": "open",
             "payment_status": "unpaid", "customer": params["customer"],
             "client_reference_id": params.get("client_reference_id"), "metadata": params.get("metadata", {}),
             "amount_total": int(price["unit_amount"]), "currency": price["currency"],
             "payment_intent": None, "subscription": None, "invoice": None,
             "success_url": params["success_url"], "cancel_url": params["cancel_url"],
             "url": f"https://checkout.stripe.com/c/pay/{session_id}",
             "line_items": params["line_items"], "subscription_data": params.get("subscription_data", {})}
        )  # fmt: skip

    def _create_portal(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("customer") not in self.objects:
            raise StripeFailure(400, f"No such customer: '{params.get('customer')}'")
        portal_id = self.new_id("bps")
        return self._store(
            {"id": portal_id, "object": "billing_portal.session", "customer": params["customer"],
             "return_url": params.get("return_url"), "url": f"https://billing.stripe.com/p/session/{portal_id}"}
        )  # fmt: skip

    def _list_events(self, params: dict[str, Any]) -> dict[str, Any]:
        since = int(params.get("created", {}).get("gte", 0))
        newest_first = [event for event in reversed(self.events) if event["created"] >= since]
        after = params.get("starting_after")
        if after:
            ids = [event["id"] for event in newest_first]
            newest_first = newest_first[ids.index(after) + 1 :]
        limit = int(params.get("limit", 10))
        return {"object": "list", "url": "/v1/events", "data": newest_first[:limit],
                "has_more": len(newest_first) > limit}  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        self._answer("GET", url.path, decode_form(url.query))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        self._answer("POST", urlsplit(self.path).path, decode_form(body))

    def _answer(self, method: str, path: str, params: dict[str, Any]) -> None:
        headers = {key.lower(): value for key, value in self.headers.items()}
        extra: dict[str, str] = {}
        if not headers.get("authorization", "").startswith("Bearer sk_"):
            status, body = 401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}
        else:
            try:
                status, body = 200, self.server.stripe.handle(method, path, params, headers)
            except StripeFailure as failure:
                status, body = failure.status, {"error": {"type": failure.kind, "message": failure.message}}
                if failure.status >= 500:
                    extra["Stripe-Should-Retry"] = "true"
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_fake{time.monotonic_ns()}")
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `FakeStripe.requests` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # copies of one webhook read Stripe at the same moment

    def __init__(self, stripe: FakeStripe) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stripe = stripe


@contextmanager
def running_fake_stripe(prices: dict[str, dict[str, Any]]) -> Iterator[tuple[FakeStripe, str]]:
    """Serve a fresh fake on a free loopback port; yields it and its base URL (for STRIPE_API_BASE)."""
    stripe = FakeStripe(prices)
    server = _Server(stripe)
    with serving(server):
        yield stripe, f"http://127.0.0.1:{server.server_address[1]}"
