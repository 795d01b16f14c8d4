"""Live sources: /sources, /addsource and /removesource replies and the admins' alerts, in the
admin's language, and the plain-text report of ``filmnews fetch`` (English, for operators)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from babel.dates import format_datetime

from bot.i18n import Translator
from bot.newsroom.sources.intake import Intake
from bot.newsroom.sources.outcomes import Alert, AlertKind, Outcome
from bot.newsroom.sources.registry import format_every
from bot.render.common import escape, plural, split_message, teaser
from storage.sources import Source, SourceKind

ERROR_SHOWN = 300  # characters of an error message
TITLE_SHOWN = 120
ADD_EXAMPLE = "/addsource https://example.com/feed/ 1h"
REMOVE_EXAMPLE = "/removesource example-com"


def _moment(t: Translator, instant: datetime, zone: tzinfo) -> str:
    return format_datetime(instant.astimezone(zone), "d MMM HH:mm", locale=t.locale)


def _what(t: Translator, source: Source) -> str:
    spec = source.spec
    if spec.kind is SourceKind.RATES:
        return t("rates ({provider})", provider=escape(spec.provider or ""))
    return t("feed")


def off(t: Translator) -> str:
    """Live sources are turned off."""
    return t(
        "Live sources are off (FILMNEWS_SOURCES=none): nothing is polled. Point "
        "FILMNEWS_SOURCES at a sources file to turn them on."
    )


def _last_fetch(t: Translator, source: Source, zone: tzinfo) -> str:
    state = source.state
    if state.last_fetch_at is None:
        return t("not fetched yet")
    values = {
        "moment": _moment(t, state.last_fetch_at, zone),
        "total": t.number(state.total_added),
    }
    if source.spec.kind is SourceKind.RATES:
        return t.plural(
            "last fetch {moment}; last good one added {count} rate ({total} in all)",
            "last fetch {moment}; last good one added {count} rates ({total} in all)",
            state.last_added,
            **values,
        )
    return t.plural(
        "last fetch {moment}; last good one added {count} item ({total} in all)",
        "last fetch {moment}; last good one added {count} items ({total} in all)",
        state.last_added,
        **values,
    )


def source_entry(t: Translator, source: Source, zone: tzinfo) -> str:
    """One source in /sources: name, kind, address, last fetch, what it added, failures."""
    spec, state = source.spec, source.state
    mark = "⚠️" if state.failures else ("✅" if state.last_ok_at else "⏳")
    head = t(
        "<b>{name}</b> · {kind} · every {every}",
        name=escape(spec.name),
        kind=_what(t, source),
        every=format_every(spec.every),
    )
    lines = [f"{mark} {head}"]
    if spec.url:
        lines.append(escape(spec.url))
    lines.append(_last_fetch(t, source, zone))
    if state.failures:
        lines.append(
            t.plural(
                "{count} failure in a row; last error: <i>{error}</i>",
                "{count} failures in a row; last error: <i>{error}</i>",
                state.failures,
                error=escape(teaser(state.last_error or "", ERROR_SHOWN)),
            )
        )
    return "\n".join(lines)


def sources(t: Translator, listed: Sequence[Source], zone: tzinfo, *, live: bool) -> list[str]:
    """/sources: every source with its state, split into messages Telegram takes."""
    if not live:
        return [off(t)]
    if not listed:
        return [t("No live sources yet. Add a feed with <code>/addsource URL</code>.")]
    failing = sum(1 for source in listed if source.state.failures)
    head = (
        t("<b>Live sources</b>: {count}, {failing} failing", count=len(listed), failing=failing)
        if failing
        else t("<b>Live sources</b>: {count}", count=len(listed))
    )
    text = "\n\n".join([head, *(source_entry(t, source, zone) for source in listed)])
    return split_message(text)


def alert(t: Translator, alert: Alert) -> str:
    """The admins' message when a source starts failing, or works again."""
    name = f"<b>{escape(alert.source.name)}</b>"
    where = f" ({escape(alert.source.url)})" if alert.source.url else ""
    if alert.kind is AlertKind.RECOVERED:
        return t.plural(
            "✅ Live source {name}{where} works again, after {count} failure in a row.",
            "✅ Live source {name}{where} works again, after {count} failures in a row.",
            alert.failures,
            name=name,
            where=where,
        )
    failed = t.plural(
        "⚠️ Live source {name}{where} has failed {count} time in a row: <i>{error}</i>",
        "⚠️ Live source {name}{where} has failed {count} times in a row: <i>{error}</i>",
        alert.failures,
        name=name,
        where=where,
        error=escape(teaser(alert.error or "", ERROR_SHOWN)),
    )
    return "\n".join(
        [
            failed,
            t(
                "I keep trying, less often, and will tell you once when it works again. "
                "/sources shows every source."
            ),
        ]
    )


def added(t: Translator, source: Source, title: str, items: int, intake: Intake) -> str:
    """/addsource accepted a feed."""
    shown = escape(teaser(title, TITLE_SHOWN)) if title else t("(untitled)")
    return t.plural(
        "Added <b>{name}</b>: “{title}”, {count} item ({new} new). It is fetched every "
        "{every}; <code>/removesource {name}</code> stops it.",
        "Added <b>{name}</b>: “{title}”, {count} items ({new} new). It is fetched every "
        "{every}; <code>/removesource {name}</code> stops it.",
        items,
        name=escape(source.name),
        title=shown,
        new=t.number(len(intake.added)),
        every=format_every(source.spec.every),
    )


def refused(t: Translator, url: str, problem: str) -> str:
    """/addsource did not take an address (``problem``: the fetch's or parser's own words)."""
    return "\n".join(
        [
            t("Not added: {url}", url=escape(teaser(url, TITLE_SHOWN))),
            escape(teaser(problem, ERROR_SHOWN)),
            "",
            t("Only RSS or Atom feeds can be followed."),
        ]
    )


def already(t: Translator, source: Source) -> str:
    """/addsource of an address already followed."""
    return t("That feed is already followed as <b>{name}</b>.", name=escape(source.name))


def removed(t: Translator, source: Source) -> str:
    """/removesource stopped a source."""
    return t(
        "Removed <b>{name}</b>: it is no longer fetched, and the sources file will not bring "
        "it back. Its articles stay.",
        name=escape(source.name),
    )


def unknown(t: Translator, name: str) -> str:
    """/removesource of a name no source has."""
    return t(
        "No source is named <b>{name}</b>. /sources lists them.",
        name=escape(teaser(name, TITLE_SHOWN)),
    )


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
