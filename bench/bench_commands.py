"""Command latency through ``Application.process_update`` and end-to-end throughput vs echo bots.

    python bench/bench_commands.py [--sizes 100000 1000000] [--subscribers 100000]
                                   [--samples 300] [--updates 2000]

1. Latency: the real Application (build_application) over a database of N articles with an
   audience (100k subscribers, 8 days of outbox, a month of digest records, 6,800 rates), with
   a recording ``BaseRequest`` (no network): p50 and p99 of every reader command and button and
   of the admins' /stats and /digest. Target: p99 ≤ 15 ms for each. Then /addfestival of a
   festival named by common words (its linking streams candidates in batches): total time,
   the longest a reader waited meanwhile, and the peak of Python memory.
2. The hourly tidy (a day of messages and of digest records to forget): the longest a reader's
   query waited while it ran. Target: ≤ 20 ms.
3. Throughput: updates per second end to end (long polling, real HTTP) against the Bot API
   emulator, for a bare python-telegram-bot echo bot, for an echo bot that answers each command
   with replies of the same sizes as ours (the same texts and keyboards, captured first), and
   for filmnews, on the same emulator and the same stream of updates from many chats, with
   their CPU per update. Target: filmnews ≥ 85 % of the equal-size echo bot.
   filmnews runs with AIORateLimiter in place but Telegram's flood limits lifted (they would
   cap both at 30 messages/s, which measures Telegram, not the code); a short extra run shows
   the shipped limits holding sends to about 30/s.

The articles come from bench_storage's cached databases (bench/out/articles-N.db; a size it has
not built is made by repeating the largest one's articles); the audience is added to a copy,
cached as bench/out/commands-N.db (``--fresh`` rebuilds it). Benchmarks run on that copy in
place: the tidy's day is added before each run, so the copy keeps its shape.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, RequestData  # noqa: E402

from bench import audience  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.commands import COMMANDS  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.context import App  # noqa: E402
from bot.delivery.pacer import Pacer  # noqa: E402
from storage import Store, search  # noqa: E402
from storage.models import NewArticle  # noqa: E402
from tests.emulator import BotApiEmulator, polling  # noqa: E402

SEEDS = ROOT / "seeds"
OUT = ROOT / "bench" / "out"
Params = dict[str, Any]
ADMIN = 900_000_001  # an admin who never subscribed: /digest previews from the first article
SUBSCRIBED_ADMIN = 5  # an admin among the subscribers (chats 1 … N)


@dataclass(frozen=True)
class Corpus:
    """Generated articles and the words to search them for."""

    name: str
    articles: Callable[[int], Iterator[NewArticle]]
    common: str  # in about half of the articles
    two_common: str
    rare: Callable[[int, random.Random], str]  # in a handful of articles


def _pages_corpus() -> Corpus | None:
    """H-storage's realistic generator (bench/pages.py), when it is there."""
    try:
        from bench import pages
    except ImportError:
        return None

    def articles(count: int) -> Iterator[NewArticle]:
        for index, made in enumerate(pages.Corpus(count)):
            yield NewArticle(
                title=made.title,
                body=made.body,
                truncated=made.truncated,
                source="bench:pages",
                seen_on=pages.FIRST_DAY + timedelta(days=index // pages.PER_PAGE),
            )

    return Corpus(
        "bench/pages.py",
        articles,
        common="premiere",
        two_common="premiere cinema",
        rare=lambda count, rng: pages.names_of(rng.randrange(count), count)[0],
    )


_SYLLABLES = ("ka", "zu", "mir", "tol", "bek", "sar", "dun", "ol")
_ENDINGS = ("an", "ek", "ir", "on", "ul", "ash", "ov", "ai", "im", "et", "us", "or")
_WORDS = [a + b for a in _SYLLABLES for b in _ENDINGS]
_COMMON = ["film", "festival", "cinema", "director", "premiere", "award"]


def _inline_corpus() -> Corpus:
    """A simple generator: 60-word bodies, ``film`` in half of them, one rare word per 1000."""

    def articles(count: int) -> Iterator[NewArticle]:
        rng = random.Random(7)
        for serial in range(count):
            words = [rng.choice(_WORDS) for _ in range(60)]
            for _ in range(4):
                words[rng.randrange(60)] = rng.choice(_COMMON)
            if rng.random() < 0.5:
                words[rng.randrange(60)] = "film"
            if serial % 1000 == 0:
                words[rng.randrange(60)] = f"rare{serial // 1000}"
            yield NewArticle(
                title=" ".join(rng.choice(_WORDS).capitalize() for _ in range(6)) + f" {serial}",
                body=" ".join(words).capitalize() + ".",
                source="bench:inline",
                seen_on=date(2020, 1, 1) + timedelta(days=serial % 2000),
            )

    return Corpus(
        "inline",
        articles,
        common="film",
        two_common="film festival",
        rare=lambda count, rng: f"rare{rng.randrange(max(count // 1000, 1))}",
    )


async def build_database(path: Path, corpus: Corpus, count: int) -> float:
    """Fill a database with ``count`` generated articles; seconds taken."""
    started = time.perf_counter()
    store = await Store.open(path)
    try:
        articles = corpus.articles(count)
        while batch := list(itertools.islice(articles, 2000)):
            async with store.transaction():
                for article in batch:
                    await store.articles.add(article)
    finally:
        await store.close()
    return time.perf_counter() - started


async def database(corpus: Corpus, count: int, fresh: bool) -> Path:
    """The cached database of ``count`` articles, built if need be."""
    tag = "pages" if corpus.name.startswith("bench") else "inline"
    path = Path(tempfile.gettempdir()) / f"filmnews-bench-{tag}-{count}.db"
    if fresh or not path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)  # noqa: ASYNC240 - set-up, not timed
        seconds = await build_database(path, corpus, count)
        print(f"generated {count:,} articles ({corpus.name}) in {seconds:.1f} s")
    return path


def with_audience(
    corpus: Corpus, count: int, subscribers: int, days: int, fresh: bool
) -> tuple[Path, audience.Audience, int]:
    """bench/out/commands-N.db (built if need be), its audience and how many distinct articles
    it repeats (the pool the rare words are drawn from)."""
    built = sorted(
        int(marker.stem.split("-")[1])
        for marker in OUT.glob("articles-*.done")
        if marker.stem.split("-")[1].isdigit()
    )
    fits = [size for size in built if size <= count]
    if fits:
        source, distinct = OUT / f"articles-{fits[-1]}.db", fits[-1]
    else:
        source, distinct = asyncio.run(database(corpus, count, fresh)), count
    target = OUT / f"commands-{count}.db"
    if fresh:
        target.with_suffix(".done").unlink(missing_ok=True)
    made = audience.build(source, target, count, subscribers, days)
    return target, made, distinct


# ---- latency ------------------------------------------------------------------------------


class RecordingRequest(BaseRequest):
    """The Bot API answered in-process with the least work: records calls, returns a Message."""

    def __init__(self) -> None:
        self.bot: Params = {"id": 1, "is_bot": True, "first_name": "bench", "username": "bench"}
        self.calls: list[tuple[str, Params]] = []
        self._message_id = 0

    @property
    def read_timeout(self) -> float | None:
        """No network."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *_: Any, **__: Any
    ) -> tuple[int, bytes]:
        """Answer getMe with a bot, sends and edits with a Message, the rest with True."""
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.calls.append((name, params))
        result: Any = True
        if name == "getMe":
            result = self.bot
        elif name in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            self._message_id += 1
            result = {
                "message_id": params.get("message_id", self._message_id),
                "date": 0,
                "chat": {"id": params.get("chat_id", 1), "type": "private"},
                "text": "ok",
            }
            if "reply_markup" in params:
                result["reply_markup"] = params["reply_markup"]
        return 200, json.dumps({"ok": True, "result": result}).encode()


def message_update(update_id: int, chat_id: int, text: str) -> Params:
    """A private text message, with its bot_command entity when it starts with one."""
    message: Params = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "U"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "U"},
        "text": text,
    }
    if text.startswith("/"):
        length = len(text.split()[0])
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"update_id": update_id, "message": message}


def button_update(update_id: int, chat_id: int, data: str) -> Params:
    """A press of an inline button with ``data`` on message 1."""
    chat = {"id": chat_id, "type": "private", "first_name": "U"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "from": {"id": chat_id, "is_bot": False, "first_name": "U"},
            "chat_instance": "1",
            "data": data,
            "message": {"message_id": 1, "date": 0, "chat": chat, "text": "page"},
        },
    }


def percentile(samples: list[float], q: int) -> float:
    """The q-th percentile (1..99) of samples."""
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def lift_reply_pacing(app: App) -> None:
    """Lift the shared pacer too: it keeps replies and digests together under Telegram's 30/s."""
    app.bot_data.delivery.pacer = Pacer.unlimited()


async def latency(
    settings: Settings, corpus: Corpus, samples: int, article_count: int, distinct: int
) -> bool:
    """Print p50/p99 per command, then /addfestival's figures; True when every p99 is within
    target (``distinct``: how many different articles the database repeats)."""
    request = RecordingRequest()
    # AIORateLimiter stays in the path; its limits are lifted so it never sleeps here.
    limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)
    app = build_application(settings, request=request, rate_limiter=limiter)
    lift_reply_pacing(app)
    # The app is not started here (no polling, no jobs): tasks of non-blocking handlers run
    # without PTB tracking them, which it warns about.
    warnings.filterwarnings("ignore", "Tasks created via `Application.create_task`")
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    handled = {c.name for c in COMMANDS}
    rng = random.Random(1)
    ids = iter(range(1, 10**9))

    def text(t: str | Callable[[], str], chat: int | None = None) -> Callable[[], Params]:
        return lambda: message_update(
            next(ids), chat or rng.randrange(1, 10_000), t() if callable(t) else t
        )

    cases: list[tuple[str, Callable[[], Params]]] = [
        ("/start", text("/start")),
        ("/help", text("/help")),
        ("/latest", text("/latest")),
        ("/latest 20", text("/latest 20")),
        ("/article ID (random)", text(lambda: f"/article {rng.randrange(1, article_count)}")),
        ("/search one rare word", text(lambda: f"/search {corpus.rare(distinct, rng)}")),
        (f"/search {corpus.common} (half of all)", text(f"/search {corpus.common}")),
        ("/search two common words", text(f"/search {corpus.two_common}")),
        ("/search no match", text("/search zzzzqqq")),
        ("/search prefix", text(f"/search {corpus.common[:4]}*")),
        ("/search Cyrillic for Latin", text("/search Бишкек")),
        ("/search typo", text(lambda: f"/search {corpus.rare(distinct, rng)[:-3]}qx")),
        ("/festival bishkek", text("/festival bishkek")),
        ("/festival eurasian (choice)", text("/festival eurasian")),
        ("/festival typo", text("/festival golden pnda")),
        ("/festivals", text("/festivals")),
        ("/rates", text("/rates")),
        ("/rates KZT", text("/rates KZT")),
        ("/convert 100 USD KZT", text("/convert 100 USD KZT")),
        ("/convert 5000 KGS", text("/convert 5000 KGS")),
        ("unknown command", text("/frobnicate")),
        ("plain text", text("golden panda")),
        ("/stats (admin)", text("/stats", ADMIN)),
        ("/digest (admin, not subscribed)", text("/digest", ADMIN)),
        ("/digest (admin, subscribed)", text("/digest", SUBSCRIBED_ADMIN)),
    ]
    # Buttons: press what /latest shows (More, open an article), whatever their data format.
    await app.process_update(Update.de_json(text("/latest")(), app.bot))
    markup = request.calls[-1][1].get("reply_markup", {}).get("inline_keyboard", [])
    buttons = [b for row in markup for b in row if "callback_data" in b]
    if buttons:
        more, opened = buttons[-1]["callback_data"], buttons[0]["callback_data"]
        cases.append(("button More", lambda: button_update(next(ids), 5, more)))
        cases.append(("button open article", lambda: button_update(next(ids), 5, opened)))

    print(
        f"\nLatency through Application.process_update, {article_count:,} articles, "
        f"{samples} samples each (target p99 ≤ 15 ms)"
    )
    print(f"{'command':<34} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  calls")
    ok = True
    try:
        for name, make in cases:
            command = name.split()[0].lstrip("/")
            if name.startswith("/") and command not in handled:
                continue
            updates = [Update.de_json(make(), app.bot) for _ in range(samples + 20)]
            times = []
            before = len(request.calls)
            for index, update in enumerate(updates):
                started = time.perf_counter()
                await app.process_update(update)
                if index >= 20:  # warm-up
                    times.append((time.perf_counter() - started) * 1000)
            calls = {c for c, _ in request.calls[before:]}
            p50, p99 = percentile(times, 50), percentile(times, 99)
            flag = "" if p99 <= 15 else "  ← over target"
            ok &= p99 <= 15
            print(
                f"{name:<34} {p50:8.2f} {p99:8.2f} {max(times):8.2f}  {','.join(sorted(calls))}"
                f"{flag}"
            )
        await add_festival(app, message_update(next(ids), ADMIN, ADD_FESTIVAL), request)
    finally:
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
    return ok


# A festival named by the corpus's most common words: its linking reads every candidate.
ADD_FESTIVAL = (
    "/addfestival Premiere Cinema | Almaty | Kazakhstan | 2026-06-11..2026-06-15 | "
    "A benchmark's festival, named by two words in a quarter of the articles"
)


async def add_festival(app: Application, update: Params, request: RecordingRequest) -> None:  # type: ignore[type-arg]
    """Print /addfestival's time, the longest wait of a reader meanwhile and Python's peak."""
    store = app.bot_data.store
    waits: list[float] = []
    done = asyncio.Event()

    async def reader() -> None:
        while not done.is_set():
            started = time.perf_counter()
            await store.articles.latest(1)
            waits.append((time.perf_counter() - started) * 1000)

    before = len(request.calls)
    tracemalloc.start()
    probe = asyncio.create_task(reader())
    started = time.perf_counter()
    await app.process_update(Update.de_json(update, app.bot))
    seconds = time.perf_counter() - started
    done.set()
    await probe
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    festival = next((f for f in await store.festivals.all() if f.name == "Premiere Cinema"), None)
    linked = len(await store.articles.mentioning(festival.id, 10**7)) if festival else 0
    replies = [c for c, _ in request.calls[before:] if c == "sendMessage"]
    print(
        f"/addfestival (name in a quarter of all): {seconds:.2f} s, {linked:,} articles "
        f"linked, {len(replies)} replies; a reader waited at most {max(waits):.1f} ms; "
        f"Python peak {peak / 2**20:.1f} MiB"
    )
    if festival is not None:  # the next run starts from the same database (no rejections)
        await store.db.execute("DELETE FROM festivals WHERE id = ?", (festival.id,))


# ---- throughput ---------------------------------------------------------------------------

# What the users type, in turn, from many chats (the echo bot answers each with its text).
STREAM = [
    "/latest",
    "/article 42",
    "/search festival",
    "/rates",
    "/festival bishkek",
    "/help",
    "/convert 100 USD KZT",
    "/latest 3",
]


async def echo(update: Update, context: Any) -> None:
    """The echo bot's one handler."""
    assert update.message is not None
    await update.message.reply_text(update.message.text or "")


async def serve_emulator() -> None:
    """Child process: run the emulator; on each request line push updates, answer the seconds.

    The emulator runs in a process of its own, as Telegram would, so that its work (parsing
    every reply's HTML) is not charged to the bot being measured.
    """
    async with BotApiEmulator() as emulator:
        print(json.dumps({"api_url": emulator.api_url, "token": emulator.token}), flush=True)
        while line := await asyncio.to_thread(sys.stdin.readline):
            job = json.loads(line)
            before = len(emulator.sent())
            started = time.perf_counter()
            stream = job["stream"]
            for index in range(job["updates"]):
                chat = 1 + index % job["chats"]
                await emulator.send_text(chat, stream[index % len(stream)], user_id=chat)
            while len(emulator.sent()) - before < job["updates"]:  # noqa: ASYNC110
                await asyncio.sleep(0.002)
            print(json.dumps({"seconds": time.perf_counter() - started}), flush=True)


class EmulatorProcess:
    """The emulator in a child process, driven over its stdin and stdout."""

    def __init__(self, process: asyncio.subprocess.Process, api_url: str, token: str) -> None:
        self.process, self.api_url, self.token = process, api_url, token

    @classmethod
    async def start(cls) -> EmulatorProcess:
        """Start the child and read its address."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--serve-emulator",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None
        hello = json.loads(await process.stdout.readline())
        return cls(process, hello["api_url"], hello["token"])

    async def run(self, updates: int, chats: int, stream: list[str]) -> float:
        """Have users send ``updates`` messages; seconds until the bot answered them all."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(
            json.dumps({"updates": updates, "chats": chats, "stream": stream}).encode() + b"\n"
        )
        await self.process.stdin.drain()
        return float(json.loads(await self.process.stdout.readline())["seconds"])

    async def stop(self) -> None:
        """Close the child's input and wait for it."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        await self.process.wait()


async def rate(
    app: Application,  # type: ignore[type-arg]
    emulator: EmulatorProcess,
    updates: int,
    chats: int,
    stream: list[str],
) -> tuple[float, float]:
    """Updates per second of ``app`` long-polling the emulator, and its CPU ms per update."""
    async with polling(app):
        await emulator.run(min(updates, 100), chats, stream)  # warm-up
        cpu = time.process_time()
        seconds = await emulator.run(updates, chats, stream)
        cpu = time.process_time() - cpu
    return updates / seconds, cpu / updates * 1000


async def our_replies(settings: Settings, stream: list[str]) -> dict[str, list[Params]]:
    """What filmnews sends for each command of the stream (sendMessage parameters), in-process."""
    request = RecordingRequest()
    limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)
    app = build_application(settings, request=request, rate_limiter=limiter)
    lift_reply_pacing(app)
    warnings.filterwarnings("ignore", "Tasks created via `Application.create_task`")
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    replies: dict[str, list[Params]] = {}
    try:
        for number, command in enumerate(stream, start=1):
            before = len(request.calls)
            await app.process_update(Update.de_json(message_update(number, 77, command), app.bot))
            replies[command] = [p for name, p in request.calls[before:] if name == "sendMessage"]
    finally:
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
    return replies


def sized_echo(replies: dict[str, list[Params]]) -> Callable[[Update, Any], Awaitable[None]]:
    """The handler of an echo bot that answers each command with replies of our sizes (our
    very texts and keyboards, captured beforehand): the same bytes on the wire, none of our
    work."""

    async def answer(update: Update, context: Any) -> None:
        message = update.message
        assert message is not None
        for params in replies.get(message.text or "", [{"text": message.text or "?"}]):
            markup = params.get("reply_markup")
            preview = params.get("link_preview_options")
            await message.reply_text(
                params["text"],
                parse_mode=params.get("parse_mode"),
                reply_markup=InlineKeyboardMarkup.de_json(markup, context.bot) if markup else None,
                link_preview_options=(
                    LinkPreviewOptions.de_json(preview, context.bot) if preview else None
                ),
                do_quote=False,
            )

    return answer


def echo_app(emulator: EmulatorProcess, handler: Callable[[Update, Any], Awaitable[None]]) -> Any:
    """A bare PTB application on the emulator with one text handler."""
    app = ApplicationBuilder().token(emulator.token).base_url(f"{emulator.api_url}/bot").build()
    app.add_handler(MessageHandler(filters.TEXT, handler))
    return app


async def throughput(settings: Settings, updates: int, chats: int, rounds: int) -> bool:
    """Print updates/s and CPU per update of the bare echo bot, the equal-size echo bot and
    filmnews on one emulator; True when filmnews reaches 85 % of the equal-size echo bot."""
    print(
        f"\nEnd to end over HTTP (long polling), {updates} updates from {chats} chats, best of "
        f"{rounds} alternating rounds; the emulator in a process of its own"
    )
    print(f"{'stream':<12} {'bot':<40} {'updates/s':>10} {'CPU ms/update':>14}")
    print("(CPU: the bot process's, best round; a busy machine disturbs it less than updates/s)")
    emulator = await EmulatorProcess.start()
    ours = replace(settings, token=emulator.token, api_url=emulator.api_url)
    ratios = {}
    try:
        for label, stream in (("/help only", ["/help"]), ("reader mix", STREAM)):
            replies = await our_replies(settings, stream)
            runs: dict[str, list[tuple[float, float]]] = {"bare": [], "sized": [], "ours": []}
            for _ in range(rounds):
                runs["bare"].append(
                    await rate(echo_app(emulator, echo), emulator, updates, chats, stream)
                )
                sized = echo_app(emulator, sized_echo(replies))
                runs["sized"].append(await rate(sized, emulator, updates, chats, stream))
                limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)
                app = build_application(ours, rate_limiter=limiter)
                lift_reply_pacing(app)
                runs["ours"].append(await rate(app, emulator, updates, chats, stream))
            best = {bot: max(r for r, _ in found) for bot, found in runs.items()}
            cpu = {bot: min(c for _, c in found) for bot, found in runs.items()}
            ratios[label] = best["ours"] / best["sized"]
            size = sum(len(p["text"]) for found in replies.values() for p in found)
            size /= max(1, sum(len(found) for found in replies.values()))
            names = {
                "bare": "bare PTB echo bot (echoes the command)",
                "sized": f"echo bot, our replies (~{size:,.0f} chars)",
                "ours": "filmnews (limits lifted)",
            }
            for bot, name in names.items():
                head = label if bot == "bare" else ""
                print(f"{head:<12} {name:<40} {best[bot]:10.0f} {cpu[bot]:14.2f}")
            print(
                f"{'':<12} {'ratio filmnews / equal-size echo':<40} {ratios[label]:10.0%} "
                f"{cpu['sized'] / cpu['ours']:14.0%}   (target ≥ 85 %)"
            )
            print(
                f"{'':<12} {'ratio filmnews / bare echo':<40} {best['ours'] / best['bare']:10.0%} "
                f"{cpu['bare'] / cpu['ours']:14.0%}"
            )
            print(
                f"{'':<12} {'ratio equal-size echo / bare echo':<40} "
                f"{best['sized'] / best['bare']:10.0%} {cpu['bare'] / cpu['sized']:14.0%}"
            )
        shipped, _ = await rate(build_application(ours), emulator, 150, chats, STREAM)
        print(
            f"{'reader mix':<12} {'filmnews as shipped':<40} {shipped:10.0f}"
            "  (AIORateLimiter holds Telegram's 30 messages/s after a first burst)"
        )
    finally:
        await emulator.stop()
    return min(ratios.values()) >= 0.85


async def main() -> int:
    """Run the benchmarks; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--outbox-days", type=int, default=8)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-throughput", action="store_true", help="latency and tidy only")
    parser.add_argument(
        "--no-search-cache", action="store_true", help="every search made afresh (no memory)"
    )
    parser.add_argument("--throughput-only", action="store_true", help="section 3 only")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached databases")
    parser.add_argument("--serve-emulator", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.no_search_cache:
        search.CACHED_PAGES = search.CACHED_SUGGESTIONS = search.CACHED_VOCABULARIES = 0
    if args.serve_emulator:
        await serve_emulator()
        return 0
    corpus = _pages_corpus() or _inline_corpus()
    met = True
    first: Path | None = None
    for size in args.sizes:
        path, made, distinct = await asyncio.to_thread(
            with_audience, corpus, size, args.subscribers, args.outbox_days, args.fresh
        )
        first = first or path
        if args.throughput_only:
            break
        settings = Settings(
            database=path, seeds=SEEDS, admin_ids=frozenset({ADMIN, SUBSCRIBED_ADMIN})
        )
        met &= await latency(settings, corpus, args.samples, size, distinct)
        tidied = await audience.measure_tidy(path, made)
        met &= tidied.longest_wait_ms <= 20
        print(
            f"hourly tidy of a day ({tidied.forgotten:,} messages and "
            f"{made.subscribers:,} digest records): {tidied.seconds:.2f} s in all; a reader's "
            f"query waited at most {tidied.longest_wait_ms:.1f} ms (p99 "
            f"{tidied.p99_wait_ms:.1f} ms, {tidied.probes:,} queries; target ≤ 20 ms)"
        )
    if not args.no_throughput and first is not None:
        met &= await throughput(
            Settings(database=first, seeds=SEEDS), args.updates, args.chats, args.rounds
        )
    print("\ntargets:", "met" if met else "MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
