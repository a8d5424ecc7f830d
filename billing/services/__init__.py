"""Billing writes, by what each part does: `fulfilment` (checkout, granting what was bought, subscriptions,
take-backs), `entitlements` (the premium end, its lock and audit, admin grants), `emails`, and `webhooks` (store,
read Stripe, apply once, reconcile). The public names are re-exported here, so `from billing import services`
keeps working for the apps above billing.

How premium is computed. A user's `premium_until` is the later of two ends kept on `Entitlement`:

- `pass_until`: passes and admin grants. A pass adds its days to the later of now and the current pass end, so a
  second pass bought while one runs extends it. Refunds and lost disputes move it back by the days they paid for
  (a full refund: all of them; a partial one: the refunded share of them, to the microsecond).
- `subscription_until`: the latest end among the user's subscriptions that give access. `active`, `trialing` and
  `past_due` give access until the current period end plus `SUBSCRIPTION_GRACE` (time for the renewal charge and
  its webhook to land); with `cancel_at_period_end` the access ends exactly at the period end, since nothing will
  renew. `canceled`, `unpaid`, `incomplete`, `incomplete_expired` and `paused` give none: access from that
  subscription ends at once. A canceled subscription is final; an older snapshot never brings it back.

So a Pro subscriber who buys a pass keeps the later of the two ends, and the pass's days count from now (or from
the end of an earlier pass), not from the end of the subscription. Every change writes an `EntitlementChange`.

Locks, always in this order: webhook event row, then user row, then purchase row. Stripe is never called while
any of them is held: it is read first, and what was read is applied under the locks.
"""

from billing.services.emails import expiring_notify
from billing.services.entitlements import ADMIN_GRANT, premium_grant, premium_revoke
from billing.services.fulfilment import (
    SUBSCRIPTION_GRACE,
    PlanUnavailable,
    checkout_start,
    customer_get_or_create,
    purchase_fulfil,
    purchase_mark_failed,
    purchase_take_back,
    subscription_sync,
)
from billing.services.webhooks import HANDLERS, events_reconcile, webhook_event_process, webhook_event_store

__all__ = [
    "ADMIN_GRANT",
    "HANDLERS",
    "SUBSCRIPTION_GRACE",
    "PlanUnavailable",
    "checkout_start",
    "customer_get_or_create",
    "events_reconcile",
    "expiring_notify",
    "premium_grant",
    "premium_revoke",
    "purchase_fulfil",
    "purchase_mark_failed",
    "purchase_take_back",
    "subscription_sync",
    "webhook_event_process",
    "webhook_event_store",
]
