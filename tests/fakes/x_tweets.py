"""The fake X's posts: creating (with reply chains, duplicate checks, t.co links), deleting, the user timeline,
and the per-user rate limit on `POST /2/tweets`, each answering with X API v2's bodies and headers."""

from __future__ import annotations

import itertools
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.fakes.x_oauth import XError, problem

TWITTER_EPOCH_MS = 1288834974657  # where X's snowflake ids count from
URL = re.compile(r"https?://[^\s]+")
INVALID_REQUEST = "https://api.twitter.com/2/problems/invalid-request"
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."
REPLY_TARGET_GONE = "You attempted to reply to a Tweet that is deleted or not visible to you."


@dataclass
class Tweet:
    id: str
    author_id: str
    text: str  # as X stores and returns it: links replaced by t.co links
    submitted: str  # the text the client sent
    created_at: datetime
    conversation_id: str  # the id of the post that starts the chain
    in_reply_to_tweet_id: str | None = None
    in_reply_to_user_id: str | None = None
    urls: list[dict[str, Any]] = field(default_factory=list)  # entities.urls
    deleted: bool = False

    def as_json(self, fields: set[str]) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "text": self.text, "edit_history_tweet_ids": [self.id]}
        if "created_at" in fields:
            data["created_at"] = self.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if "author_id" in fields:
            data["author_id"] = self.author_id
        if "conversation_id" in fields:
            data["conversation_id"] = self.conversation_id
        if self.in_reply_to_tweet_id is not None:
            if "referenced_tweets" in fields:
                data["referenced_tweets"] = [{"type": "replied_to", "id": self.in_reply_to_tweet_id}]
            if "in_reply_to_user_id" in fields:
                data["in_reply_to_user_id"] = self.in_reply_to_user_id
        if "entities" in fields and self.urls:
            data["entities"] = {"urls": self.urls}
        return data


def invalid_request(message: str, parameters: dict[str, list[str]]) -> XError:
    body = {
        "errors": [{"parameters": parameters, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": INVALID_REQUEST,
    }
    return XError(400, body)


@dataclass
class RateWindow:
    limit: int
    seconds: int
    started: float = 0.0
    used: int = 0

    def has_room(self, now: float) -> bool:
        """Whether one more request fits; a window that has run out starts afresh."""
        if now >= self.started + self.seconds:
            self.started, self.used = now, 0
        return self.used < self.limit

    def reset_at(self, now: float) -> int:
        return int(self.started + self.seconds) if now < self.started + self.seconds else int(now + self.seconds)

    def remaining(self, now: float) -> int:
        return self.limit - self.used if now < self.started + self.seconds else self.limit


@dataclass
class XTweets:
    tweet_limit: int = 100  # POST /2/tweets per user per window
    tweet_window: int = 15 * 60
    user_daily_limit: int | None = None  # the 24-hour caps; None: not enforced and no headers sent
    app_daily_limit: int | None = None
    timeline_limit: int = 900  # GET /2/users/:id/tweets per user per window
    timeline_window: int = 15 * 60
    timeline_lag: float = 0.0  # seconds before a new post shows in the timeline (X's is eventually consistent)
    # The same text by the same user within this many seconds is a duplicate; 0 turns the check off, so a test
    # can see a post made twice instead of X's refusal of the second.
    duplicate_window: int = 24 * 3600
    tweets: dict[str, Tweet] = field(default_factory=dict)  # by id, in order of posting
    _windows: dict[str, RateWindow] = field(default_factory=dict)  # per user, and "app:24h", "<user>:24h"
    _last_id: int = 0
    _links: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # --- rate limits ---------------------------------------------------------------------------------------------

    def post_limit(self, user_id: str) -> dict[str, str]:
        """Count one POST /2/tweets for `user_id`; the headers X sends with the answer, or a 429 carrying them."""
        checks = [(self._window(user_id, self.tweet_limit, self.tweet_window), "x-rate-limit")]
        if self.user_daily_limit is not None:
            checks.append((self._window(f"{user_id}:24h", self.user_daily_limit, 86400), "x-user-limit-24hour"))
        if self.app_daily_limit is not None:
            checks.append((self._window("app:24h", self.app_daily_limit, 86400), "x-app-limit-24hour"))
        return self._count(checks)

    def read_limit(self, user_id: str) -> dict[str, str]:
        """Count one timeline read by `user_id`, as `post_limit` does for posts."""
        return self._count(
            [(self._window(f"{user_id}:reads", self.timeline_limit, self.timeline_window), "x-rate-limit")]
        )

    def _count(self, checks: list[tuple[RateWindow, str]]) -> dict[str, str]:
        now = time.time()
        allowed = all(window.has_room(now) for window, _ in checks)
        if allowed:  # a refused request counts against no window
            for window, _ in checks:
                window.used += 1
        headers: dict[str, str] = {}
        for window, prefix in checks:
            headers[f"{prefix}-limit"] = str(window.limit)
            headers[f"{prefix}-remaining"] = str(window.remaining(now))
            headers[f"{prefix}-reset"] = str(window.reset_at(now))
        if not allowed:
            raise XError(429, problem(429, "Too Many Requests").body, headers)
        return headers

    def _window(self, key: str, limit: int, seconds: int) -> RateWindow:
        window = self._windows.setdefault(key, RateWindow(limit, seconds))
        window.limit, window.seconds = limit, seconds  # a test may change the limit between requests
        return window

    # --- posts ---------------------------------------------------------------------------------------------------

    def create(self, user_id: str, body: Any) -> Tweet:
        if not isinstance(body, dict):
            raise invalid_request("The request body is not a JSON object.", {"$": [str(body)]})
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise invalid_request("$.text: is missing but it is required", {"$.text": [str(text)]})
        reply = body.get("reply")
        target: Tweet | None = None
        if reply is not None:
            if not isinstance(reply, dict) or not reply.get("in_reply_to_tweet_id"):
                message = "$.reply.in_reply_to_tweet_id: is missing but it is required"
                raise invalid_request(message, {"$.reply": [str(reply)]})
            target = self.tweets.get(str(reply["in_reply_to_tweet_id"]))
            if target is None or target.deleted:
                raise problem(403, "Forbidden", REPLY_TARGET_GONE)
        now = time.time()
        if any(
            tweet.author_id == user_id
            and tweet.submitted == text
            and now - tweet.created_at.timestamp() < self.duplicate_window
            for tweet in self.tweets.values()
            if not tweet.deleted
        ):
            raise problem(403, "Forbidden", DUPLICATE)
        stored, urls = self._wrap_links(text)
        tweet_id = self._new_id(now)
        tweet = Tweet(
            id=tweet_id,
            author_id=user_id,
            text=stored,
            submitted=text,
            created_at=datetime.fromtimestamp(now, UTC),
            in_reply_to_tweet_id=target.id if target else None,
            in_reply_to_user_id=target.author_id if target else None,
            conversation_id=target.conversation_id if target else tweet_id,
            urls=urls,
        )
        self.tweets[tweet.id] = tweet
        return tweet

    def delete(self, user_id: str, tweet_id: str) -> dict[str, Any]:
        tweet = self.tweets.get(tweet_id)
        if tweet is None or tweet.deleted:
            return {"data": {"deleted": False}}  # X's answer for a post that is already gone
        if tweet.author_id != user_id:
            raise problem(403, "Forbidden", "You are not allowed to delete a Tweet you did not author.")
        tweet.deleted = True
        return {"data": {"deleted": True}}

    def _new_id(self, now: float) -> str:
        """A snowflake: milliseconds since X's epoch shifted left 22 bits, always increasing."""
        candidate = (int(now * 1000) - TWITTER_EPOCH_MS) << 22
        self._last_id = max(candidate, self._last_id + 1)
        return str(self._last_id)

    def _wrap_links(self, text: str) -> tuple[str, list[dict[str, Any]]]:
        """Replace each link with a t.co link, as X does to the text it stores and returns."""
        pieces, urls, position = [], [], 0
        for match in URL.finditer(text):
            expanded = match.group().rstrip(".,;:!?)")
            short = f"https://t.co/{secrets.token_hex(5)}{next(self._links)}"
            pieces.append(text[position : match.start()])
            start = sum(len(piece) for piece in pieces)
            pieces.append(short)
            display = re.sub(r"^https?://(www\.)?", "", expanded)
            urls.append(
                {"start": start, "end": start + len(short), "url": short, "expanded_url": expanded,
                 "display_url": display if len(display) <= 26 else display[:25] + "…"}
            )  # fmt: skip
            position = match.start() + len(expanded)
        pieces.append(text[position:])
        return "".join(pieces), urls

    # --- reads ---------------------------------------------------------------------------------------------------

    def timeline(self, user_id: str, query: dict[str, str]) -> dict[str, Any]:
        """`GET /2/users/:id/tweets`: newest first, `max_results` 5 to 100 (10 by default), time and id bounds,
        `pagination_token`, `exclude=replies` (which hides every post of a thread after the first), and the
        `tweet.fields` asked for."""
        raw_max = query.get("max_results", "10")
        if not raw_max.isdigit() or not 5 <= int(raw_max) <= 100:
            message = f"The `max_results` query parameter value [{raw_max}] is not between 5 and 100"
            raise invalid_request(message, {"max_results": [raw_max]})
        start, end = _instant(query, "start_time"), _instant(query, "end_time")
        fields = set(filter(None, query.get("tweet.fields", "").split(",")))
        since, until = _id(query, "since_id"), _id(query, "until_id")
        before = _id(query, "pagination_token")
        shown_until = time.time() - self.timeline_lag
        no_replies = "replies" in query.get("exclude", "").split(",")
        newest_first = [
            tweet
            for tweet in reversed(self.tweets.values())
            if tweet.author_id == user_id
            and not tweet.deleted
            and tweet.created_at.timestamp() <= shown_until
            and not (no_replies and tweet.in_reply_to_tweet_id)
            and (start is None or tweet.created_at >= start)
            and (end is None or tweet.created_at < end)
            and (since is None or int(tweet.id) > since)
            and (until is None or int(tweet.id) < until)
            and (before is None or int(tweet.id) < before)
        ]
        page = newest_first[: int(raw_max)]
        if not page:
            return {"meta": {"result_count": 0}}
        meta: dict[str, Any] = {"result_count": len(page), "newest_id": page[0].id, "oldest_id": page[-1].id}
        if len(newest_first) > len(page):
            meta["next_token"] = page[-1].id
        return {"data": [tweet.as_json(fields) for tweet in page], "meta": meta}

    def of(self, user_id: str, *, deleted: bool = False) -> list[Tweet]:
        """A user's posts, oldest first; deleted ones only when asked."""
        return [t for t in self.tweets.values() if t.author_id == user_id and (deleted or not t.deleted)]


def _id(query: dict[str, str], name: str) -> int | None:
    value = query.get(name)
    if value is None:
        return None
    if not value.isdigit():
        raise invalid_request(f"The `{name}` query parameter value [{value}] is not valid", {name: [value]})
    return int(value)


def _instant(query: dict[str, str], name: str) -> datetime | None:
    value = query.get(name)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        message = f"Invalid '{name}':'{value}'. '{name}' must be a date in ISO 8601 format YYYY-MM-DDTHH:mm:ssZ."
        raise invalid_request(message, {name: [value]})
    return parsed
