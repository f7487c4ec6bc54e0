"""The HTTP client every source uses: per-host rate limits, retries, raw archiving, replay.

Requests go through a `Transport` (live `requests`, or a cassette in replay mode). Each attempt
first takes a token from the host's bucket; buckets are shared by every client of the process,
so two clients talking to NCBI together still stay under NCBI's limit.

This is the one retry layer of caseminer (the Prefect tasks do not retry): HTTP 429 / 5xx, timeouts
and dropped connections are retried with exponential backoff, honouring `Retry-After`, within a
total deadline per request (`DEFAULT_DEADLINE`). A host that cannot be reached at all (its name does
not resolve, the connection is refused) is reported at once as "cannot reach <source> (no network?)",
and every later request of that client to that host fails the same way without trying again, so an
offline run ends in seconds.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

import requests
import tenacity

from caseminer.schemas.sources import RawRecord, SourceName
from caseminer.sources.archive import RawArchive
from caseminer.sources.errors import SourceError, SourceUnreachable

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "caseminer/0.1 (+https://github.com/caseminer)"
DEFAULT_TIMEOUT = 60.0
# All attempts of one request, waits included, end within this many seconds: a Retry-After
# beyond it ends the request now (it is a recorded failure, tried again on the next run).
DEFAULT_DEADLINE = 120.0
MAX_RETRY_AFTER = 300.0
# Identification parameters: never part of a request's identity, never archived (may hold a key).
IDENTITY_PARAMS = frozenset({"tool", "email", "api_key"})

Params = Mapping[str, str | int]


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    params: dict[str, str] = field(default_factory=dict)
    timeout: float = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class TransportResponse:
    status: int
    headers: dict[str, str]
    body: bytes


class HostUnreachable(Exception):
    """Raised by a transport when the request's host cannot be reached at all."""


class Transport(Protocol):
    """Sends one request. `is_live` is False for replays, which need no rate limiting.

    A host that cannot be reached raises `HostUnreachable`; other connection errors and timeouts
    raise `requests.ConnectionError` / `requests.Timeout` (retried).
    """

    is_live: bool

    def send(self, request: HttpRequest) -> TransportResponse: ...


class RequestsTransport:
    is_live = True

    def __init__(self, session: requests.Session | None = None) -> None:
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)

    def send(self, request: HttpRequest) -> TransportResponse:
        try:
            response = self.session.request(
                request.method, request.url, params=request.params or None, timeout=request.timeout
            )
        except requests.ConnectionError as error:
            reason = _connection_failure(error)
            if reason is None:
                raise
            raise HostUnreachable(reason) from error
        return TransportResponse(response.status_code, dict(response.headers), response.content)


def _connection_failure(error: requests.ConnectionError) -> str | None:
    """Why no connection could be opened (name does not resolve, refused, no route), or None when the
    connection broke later (worth retrying)."""
    from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError, ProxyError

    cause = error.args[0] if error.args else None
    if isinstance(cause, MaxRetryError):
        cause = cause.reason
    via = ""
    if isinstance(cause, ProxyError):  # the configured proxy could not be reached
        cause, via = cause.original_error, "proxy "
    if isinstance(cause, NameResolutionError):
        return f"{via}{cause.conn.host}: name does not resolve"
    if isinstance(cause, NewConnectionError):
        return f"{via}{cause.conn.host}: {str(cause).rsplit(']', 1)[-1].strip()}"
    return None


@dataclass
class HttpResult:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str
    raw: RawRecord | None = None

    @property
    def content_type(self) -> str | None:
        return _header(self.headers, "Content-Type")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    return next((value for key, value in headers.items() if key.lower() == lowered), None)


class TokenBucket:
    """At most `rate` acquisitions per second; a burst of one keeps every 1-second window within rate."""

    def __init__(self, rate: float, *, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_free = clock()

    def acquire(self) -> None:
        # Reserve the next slot under the lock, wait outside it: threads queue fairly.
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_free)
            self._next_free = slot + 1.0 / self.rate
        if slot > now:
            self._sleep(slot - now)


class BucketRegistry:
    """Token buckets by host. One registry is shared by the whole process (`SHARED_BUCKETS`)."""

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, host: str, rate: float) -> TokenBucket:
        """The host's bucket; when clients configure different rates, the lowest one holds."""
        with self._lock:
            bucket = self._buckets.get(host)
            if bucket is None:
                bucket = self._buckets[host] = TokenBucket(rate, clock=self.clock, sleep=self.sleep)
            else:
                bucket.rate = min(bucket.rate, rate)
            return bucket


SHARED_BUCKETS = BucketRegistry()


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(delta, 0.0), MAX_RETRY_AFTER)


class _StopAtDeadline(tenacity.stop.stop_base):
    """Stop when the next wait would end past the request's deadline."""

    def __init__(self, deadline_at: float, clock: Callable[[], float]) -> None:
        self.deadline_at = deadline_at
        self.clock = clock

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        return self.clock() + (retry_state.upcoming_sleep or 0.0) > self.deadline_at


class _WaitRetryAfterOrBackoff(tenacity.wait.wait_base):
    def __init__(self, backoff: tenacity.wait.wait_base) -> None:
        self.backoff = backoff

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome else None
        if isinstance(error, _Retryable) and error.retry_after is not None:
            return error.retry_after
        return self.backoff(retry_state)


class HttpClient:
    """GET with rate limiting, retries and archiving; see the module docstring."""

    def __init__(
        self,
        rate_per_second: float,
        max_retries: int = 5,
        archive: RawArchive | None = None,
        transport: Transport | None = None,
        *,
        buckets: BucketRegistry | None = None,
        backoff_max: float = 60.0,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
    ) -> None:
        self.rate_per_second = rate_per_second
        self.max_retries = max_retries
        self.archive = archive
        self.transport: Transport = transport or RequestsTransport()
        self.buckets = buckets or SHARED_BUCKETS
        self.backoff_max = backoff_max
        self.timeout = timeout
        self.deadline = deadline
        # Hosts found unreachable during this client's life (one run), with the reason.
        self._unreachable: dict[str, str] = {}

    def get(self, url: str, params: Params | None = None, *, source: SourceName) -> HttpResult:
        """The response of a GET; raises SourceError for HTTP errors and exhausted retries, and
        SourceUnreachable when the host cannot be reached."""
        host = urlsplit(url).netloc
        if host in self._unreachable:
            raise SourceUnreachable(_unreachable_message(source, self._unreachable[host]), url=url)
        request = HttpRequest("GET", url, {k: str(v) for k, v in (params or {}).items()}, self.timeout)
        clock = self.buckets.clock
        deadline_at = clock() + self.deadline
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_retries + 1) | _StopAtDeadline(deadline_at, clock),
            wait=_WaitRetryAfterOrBackoff(tenacity.wait_exponential_jitter(initial=1, max=self.backoff_max)),
            retry=tenacity.retry_if_exception_type(_Retryable),
            # A replay has no service to spare: its retries need not wait.
            sleep=self.buckets.sleep if self.transport.is_live else _no_wait,
            reraise=True,
        )
        try:
            result = retrying(self._attempt, request, source, deadline_at)
        except _Retryable as error:
            attempts = retrying.statistics.get("attempt_number", self.max_retries + 1)
            cut = f" (deadline {self.deadline:.0f} s)" if attempts <= self.max_retries else ""
            raise SourceError(
                f"{source}: GET {url} failed after {attempts} attempts{cut}: {error}", url=url
            ) from None
        except HostUnreachable as error:
            self._unreachable[host] = str(error)
            raise SourceUnreachable(_unreachable_message(source, str(error)), url=url) from None
        if result.status >= 400:
            snippet = result.body[:200].decode("utf-8", "replace")
            raise SourceError(
                f"{source}: GET {url} returned HTTP {result.status}: {snippet}", url=url, status=result.status
            )
        return result

    def _attempt(self, request: HttpRequest, source: SourceName, deadline_at: float) -> HttpResult:
        if self.transport.is_live:
            self.buckets.bucket(urlsplit(request.url).netloc, self.rate_per_second).acquire()
            # The last attempt's timeout ends with the deadline too.
            remaining = max(deadline_at - self.buckets.clock(), 1.0)
            request = replace(request, timeout=min(request.timeout, remaining))
        try:
            response = self.transport.send(request)
        except (requests.Timeout, requests.ConnectionError) as error:
            raise _Retryable(f"{type(error).__name__}: {error}") from error
        raw = None
        if self.archive is not None:
            raw = self.archive.put(
                response.body,
                url=_full_url(request),
                source=source,
                status=response.status,
                content_type=_header(response.headers, "Content-Type"),
            )
        if response.status in RETRYABLE_STATUSES:
            raise _Retryable(
                f"HTTP {response.status}",
                retry_after=parse_retry_after(_header(response.headers, "Retry-After")),
            )
        return HttpResult(response.status, response.headers, response.body, _full_url(request), raw)


def _unreachable_message(source: str, reason: str) -> str:
    return f"cannot reach {source} (no network?): {reason}"


def _no_wait(_seconds: float) -> None:
    return None


def _full_url(request: HttpRequest) -> str:
    """The URL with its query, identification parameters left out (they may hold an API key)."""
    public = {k: v for k, v in request.params.items() if k not in IDENTITY_PARAMS}
    return requests.Request(request.method, request.url, params=public).prepare().url or request.url
