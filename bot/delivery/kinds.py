"""The kinds of messages the outbox carries; each names what its ``ref`` is."""

from __future__ import annotations

from enum import StrEnum


class OutboxKind(StrEnum):
    """One kind of fan-out; the outbox row of each (kind, ref, chat) is unique."""

    DIGEST = "digest"  # ref: the local day
    PUBLISH = "publish"  # "publish now" of one article; ref: the article id
    BROADCAST = "broadcast"  # ref: the id of the request's audit line
    REMINDER = "reminder"  # a festival opens soon; ref: "<festival id>:<stage>:<opening day>"
    SOURCE_ALERT = "source"  # a live source fails or recovers; ref: "<source>:<alert number>"
    CHANNEL = "channel"  # an article posted to FILMNEWS_CHANNEL; ref: the article id
