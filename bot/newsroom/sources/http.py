"""One polite, bounded HTTP GET for the live news sources, on httpx."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import httpx

USER_AGENT = "Mozilla/5.0 (compatible; filmnews/0.1; +https://github.com/filmnews/filmnews)"
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
TOTAL_TIMEOUT = 30.0
BACKOFF_CAP = timedelta(hours=6)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

# (host, port) -> the IP addresses it resolves to; tests substitute their own DNS.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]


class FetchError(Exception):
    """A fetch that failed, with a short human message and the HTTP status when there was one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Fetched:
    """A successful fetch: 200 with a body, or 304 with none."""

    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    final_url: str

    @property
    def not_modified(self) -> bool:
        """True when the server answered 304 to a conditional request."""
        return self.status == 304


def build_client(
    *, connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT
) -> httpx.AsyncClient:
    """An httpx client with the sources' timeouts and User-Agent; redirects are left to fetch."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int = 5_000_000,
    allow_private: bool = False,
    total_timeout: float = TOTAL_TIMEOUT,
    resolve: Resolver | None = None,
) -> Fetched:
    """GET ``url`` conditionally, following up to 5 checked redirects; raise FetchError."""
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(total_timeout):
            return await _follow(
                client, httpx.URL(url), headers, max_bytes, allow_private, resolve or _getaddrinfo
            )
    except TimeoutError as exc:
        raise FetchError(f"timed out after {total_timeout:g} s") from exc
    except httpx.TimeoutException as exc:
        seconds = _timeout_of(client, exc)
        raise FetchError(f"timed out after {seconds:g} s" if seconds else "timed out") from exc
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL: {exc}") from exc
    except httpx.ConnectError as exc:
        raise FetchError(f"could not connect: {_reason(exc)}") from exc
    except httpx.DecodingError as exc:
        raise FetchError(f"could not decode the body: {_reason(exc)}") from exc
    except httpx.RequestError as exc:
        raise FetchError(f"request failed: {_reason(exc)}") from exc


def next_attempt(failures: int, interval: timedelta) -> timedelta:
    """The wait before the next poll: the interval, doubled per failure past the first, ≤ 6 h."""
    if failures <= 0:
        return interval
    # The exponent is capped so that a long failure streak cannot overflow timedelta.
    return min(interval * (1 << min(failures - 1, 20)), BACKOFF_CAP)


async def _follow(
    client: httpx.AsyncClient,
    url: httpx.URL,
    headers: dict[str, str],
    max_bytes: int,
    allow_private: bool,
    resolve: Resolver,
) -> Fetched:
    """Request ``url`` and the redirects it leads to, checking every target first."""
    for _ in range(MAX_REDIRECTS + 1):
        await _check_target(url, allow_private, resolve)
        request = client.build_request("GET", url, headers=headers)
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            location = response.headers.get("Location")
            if response.status_code in _REDIRECTS and location:
                url = url.join(location)
                continue
            return await _result(response, url, headers, max_bytes)
        finally:
            await response.aclose()
    raise FetchError(f"too many redirects ({MAX_REDIRECTS})")


async def _result(
    response: httpx.Response, url: httpx.URL, headers: dict[str, str], max_bytes: int
) -> Fetched:
    """A Fetched from a final response, or FetchError for an error status or a body too big."""
    status = response.status_code
    if status == 304:
        return Fetched(
            status=304,
            body=b"",
            etag=response.headers.get("ETag") or headers.get("If-None-Match"),
            last_modified=response.headers.get("Last-Modified")
            or headers.get("If-Modified-Since"),
            final_url=str(url),
        )
    if status != 200:
        raise FetchError(f"HTTP {status}", status=status)
    return Fetched(
        status=200,
        body=await _read_capped(response, max_bytes),
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        final_url=str(url),
    )


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, stopping as soon as it grows past ``max_bytes``."""
    declared = response.headers.get("Content-Length", "")
    too_big = FetchError(f"larger than {_size(max_bytes)}")
    # Only an unencoded length is the decoded size; a gzipped one is counted while reading.
    identity = "Content-Encoding" not in response.headers
    if identity and declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    body = bytearray()
    async for chunk in response.aiter_bytes():  # decoded: the cap counts gunzipped bytes
        body += chunk
        if len(body) > max_bytes:
            raise too_big
    return bytes(body)


async def _check_target(url: httpx.URL, allow_private: bool, resolve: Resolver) -> None:
    """Refuse non-http(s) URLs and, unless allowed, hosts on private addresses."""
    if url.scheme not in ("http", "https"):
        raise FetchError(f"refused: only http and https URLs, not {url.scheme or 'none'}:")
    host = url.host
    if not host:
        raise FetchError(f"refused: no host in {url}")
    if allow_private:
        return
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        addresses: Sequence[str] = [str(ipaddress.ip_address(host))]
        literal = True
    except ValueError:
        addresses = await _resolved(host, port, resolve)
        literal = False
    for address in addresses:
        if _is_private(address):
            shown = host if literal else f"{host} ({address})"
            raise FetchError(f"refused: {shown} is a private address")


async def _resolved(host: str, port: int, resolve: Resolver) -> Sequence[str]:
    """The addresses of ``host``, or FetchError when it does not resolve."""
    try:
        addresses = await resolve(host, port)
    except OSError as exc:
        raise FetchError(f"could not connect: cannot resolve {host} ({exc})") from exc
    if not addresses:
        raise FetchError(f"could not connect: cannot resolve {host}")
    return addresses


async def _getaddrinfo(host: str, port: int) -> Sequence[str]:
    """The IP addresses of ``host`` from the system resolver, without blocking the loop."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _is_private(address: str) -> bool:
    """True for loopback, private, link-local, multicast, reserved or unspecified addresses."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return _is_private(str(embedded))
    # is_global is False for every private, loopback, link-local, reserved and unspecified
    # range (and shared 100.64/10); multicast is the one non-public kind it calls global.
    return ip.is_multicast or not ip.is_global


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _timeout_of(client: httpx.AsyncClient, exc: httpx.TimeoutException) -> float | None:
    """The client's configured seconds for the phase that timed out."""
    timeout = client.timeout
    return {
        httpx.ConnectTimeout: timeout.connect,
        httpx.ReadTimeout: timeout.read,
        httpx.WriteTimeout: timeout.write,
        httpx.PoolTimeout: timeout.pool,
    }.get(type(exc))


def _reason(exc: Exception) -> str:
    """The exception's message, or its type's name when it has none."""
    return str(exc) or type(exc).__name__


def _size(n: int) -> str:
    """A byte count for a message: "5 MB", "64 kB", "900 bytes"."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} kB"
    return f"{n} bytes"
