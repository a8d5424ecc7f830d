"""A publication as the API and its errors show it: plain data, so a 409 can carry the one it is about."""

from __future__ import annotations

from typing import Any

from publishing.models import Publication


def publication_payload(publication: Publication) -> dict[str, Any]:
    tweets = publication.tweets.all()  # prefetched by the selectors that list them
    return {
        "id": publication.pk,
        "thread_id": publication.thread_id,
        "title": publication.title,
        "status": publication.status,
        "scheduled_for": publication.scheduled_for,
        "link_last": publication.link_last,
        "created_at": publication.created_at,
        "finished_at": publication.finished_at,
        "error": (
            {"code": publication.error_code, "message": publication.error_message} if publication.error_code else None
        ),
        "tweets": [
            {
                "position": tweet.position,
                "text": tweet.text,
                "status": tweet.status,
                "tweet_id": tweet.tweet_id or None,
                "url": tweet.url(publication.x_username) or None,
                "error": tweet.error_message or None,
            }
            for tweet in tweets
        ],
    }
