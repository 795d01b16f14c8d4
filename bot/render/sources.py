"""Live sources: /sources, /addsource and /removesource replies, the admins' alerts, and the
plain-text report of ``filmnews fetch``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.newsroom.sources.intake import Intake
from bot.newsroom.sources.poller import Alert, AlertKind, Outcome
from bot.newsroom.sources.registry import format_every
from bot.render.common import escape, plural, split_message, teaser
from storage.sources import Source, SourceKind

ERROR_SHOWN = 300  # characters of an error message
TITLE_SHOWN = 120
ADD_EXAMPLE = "/addsource https://example.com/feed/ 1h"
REMOVE_EXAMPLE = "/removesource example-com"
OFF = (
    "Live sources are off (FILMNEWS_SOURCES=none): nothing is polled. Point FILMNEWS_SOURCES at "
    "a sources file to turn them on."
)
NO_SOURCES = "No live sources yet. Add a feed with <code>/addsource URL</code>."


def _moment(instant: datetime, zone: tzinfo) -> str:
    local = instant.astimezone(zone)
    return f"{local.day} {local:%b %H:%M}"


def _what(source: Source) -> str:
    spec = source.spec
    if spec.kind is SourceKind.RATES:
        return f"rates ({escape(spec.provider or '')})"
    return "feed"


def source_entry(source: Source, zone: tzinfo) -> str:
    """One source in /sources: name, kind, address, last fetch, what it added, failures."""
    spec, state = source.spec, source.state
    mark = "⚠️" if state.failures else ("✅" if state.last_ok_at else "⏳")
    every = format_every(spec.every)
    lines = [f"{mark} <b>{escape(spec.name)}</b> · {_what(source)} · every {every}"]
    if spec.url:
        lines.append(escape(spec.url))
    if state.last_fetch_at is None:
        lines.append("not fetched yet")
    else:
        noun = "rate" if spec.kind is SourceKind.RATES else "item"
        lines.append(
            f"last fetch {_moment(state.last_fetch_at, zone)}; last good one added "
            f"{plural(state.last_added, noun)} ({state.total_added} in all)"
        )
    if state.failures:
        lines.append(
            f"{plural(state.failures, 'failure')} in a row; last error: "
            f"<i>{escape(teaser(state.last_error or '', ERROR_SHOWN))}</i>"
        )
    return "\n".join(lines)


def sources(listed: Sequence[Source], zone: tzinfo, *, live: bool) -> list[str]:
    """/sources: every source with its state, split into messages Telegram takes."""
    if not live:
        return [OFF]
    if not listed:
        return [NO_SOURCES]
    failing = sum(1 for source in listed if source.state.failures)
    head = f"<b>Live sources</b>: {len(listed)}" + (f", {failing} failing" if failing else "")
    text = "\n\n".join([head, *(source_entry(source, zone) for source in listed)])
    return split_message(text)


def alert(alert: Alert) -> str:
    """The admins' message when a source starts failing, or works again."""
    name = f"<b>{escape(alert.source.name)}</b>"
    where = f" ({escape(alert.source.url)})" if alert.source.url else ""
    if alert.kind is AlertKind.RECOVERED:
        return (
            f"✅ Live source {name}{where} works again, after "
            f"{plural(alert.failures, 'failure')} in a row."
        )
    return (
        f"⚠️ Live source {name}{where} has failed {alert.failures} times in a row: "
        f"<i>{escape(teaser(alert.error or '', ERROR_SHOWN))}</i>\n"
        "I keep trying, less often, and will tell you once when it works again. "
        "/sources shows every source."
    )


def added(source: Source, title: str, items: int, intake: Intake) -> str:
    """/addsource accepted a feed."""
    shown = escape(teaser(title, TITLE_SHOWN)) if title else "(untitled)"
    return (
        f"Added <b>{escape(source.name)}</b>: “{shown}”, {plural(items, 'item')} "
        f"({len(intake.added)} new). It is fetched every {format_every(source.spec.every)}; "
        f"<code>/removesource {escape(source.name)}</code> stops it."
    )


def refused(url: str, problem: str) -> str:
    """/addsource did not take an address."""
    return (
        f"Not added: {escape(teaser(url, TITLE_SHOWN))}\n"
        f"{escape(teaser(problem, ERROR_SHOWN))}\n\nOnly RSS or Atom feeds can be followed."
    )


def already(source: Source) -> str:
    """/addsource of an address already followed."""
    return f"That feed is already followed as <b>{escape(source.name)}</b>."


def removed(source: Source) -> str:
    """/removesource stopped a source."""
    return (
        f"Removed <b>{escape(source.name)}</b>: it is no longer fetched, and the sources file "
        "will not bring it back. Its articles stay."
    )


def unknown(name: str) -> str:
    """/removesource of a name no source has."""
    return f"No source is named <b>{escape(teaser(name, TITLE_SHOWN))}</b>. /sources lists them."


def fetch_report(outcomes: Sequence[Outcome]) -> str:
    """``filmnews fetch``: what each source added (plain text), then the totals."""
    lines = []
    for outcome in outcomes:
        if outcome.error is not None:
            lines.append(f"{outcome.name}: FAILED: {outcome.error}")
        elif outcome.kind is SourceKind.RATES:
            lines.append(f"{outcome.name}: {plural(outcome.rates, 'rate')} added")
        elif outcome.not_modified:
            lines.append(f"{outcome.name}: not modified since the last fetch")
        else:
            lines.append(
                f"{outcome.name}: {plural(len(outcome.added), 'article')} added, "
                f"{outcome.completed} completed"
            )
            lines.extend(f"  + {title}" for title in outcome.added)
    failed = sum(1 for outcome in outcomes if outcome.error is not None)
    articles = sum(len(outcome.added) for outcome in outcomes)
    rates = sum(outcome.rates for outcome in outcomes)
    lines.append(
        f"Total: {plural(articles, 'article')} and {plural(rates, 'rate')} added from "
        f"{plural(len(outcomes), 'source')}; {failed} failed."
    )
    return "\n".join(lines)
