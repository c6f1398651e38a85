"""Rate limits for the public chat channels (REST, the widget's socket.io, Telegram), with `limits`.

Two limits, each a `limits` string such as "20/minute;200/hour" (all must have room):
- per sender (CHAT_RATE_LIMIT_PER_SENDER): one conversation, one Telegram chat. A person does not
  type or tap faster than the default;
- per client address (CHAT_RATE_LIMIT_PER_ADDRESS): REST and the widget, against one client
  inventing new senders or conversations. Telegram has none: its updates all come from Telegram.
An empty value switches that limit off (the load tests play 50 visitors from 127.0.0.1).

The counts live in RATE_LIMIT_STORAGE_URL (the lead service's setting): `memory://` per Rasa
process, or Redis, shared by every Rasa instance. Moving windows, as the login throttle: "20 in
any 60 seconds", and a refused message does not count. X-Forwarded-For is read only from the
proxies in CHAT_TRUSTED_PROXIES (addresses or networks); IPv6 clients count per /64.

A bad setting raises RateLimitConfigError when the channels are made, so Rasa stops at start-up
with the reason. This module needs no Rasa (tests/unit/test_rate_limit.py).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import math
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger(__name__)

STORAGE_SETTING = "RATE_LIMIT_STORAGE_URL"
SENDER_SETTING = "CHAT_RATE_LIMIT_PER_SENDER"
ADDRESS_SETTING = "CHAT_RATE_LIMIT_PER_ADDRESS"
PROXIES_SETTING = "CHAT_TRUSTED_PROXIES"
DEFAULT_STORAGE_URL = "memory://"
DEFAULT_PER_SENDER = "20/minute;200/hour"
DEFAULT_PER_ADDRESS = "300/minute"
NAMESPACE = "mentorwijzer-chat"  # apart from the service's login counts in the same Redis
# Same schemes as the lead service accepts for this setting (bot/service/settings.py).
_STORAGE_SCHEME = re.compile(r"^(memory|redis|rediss|redis\+unix)://")
# Redis that does not answer must not hold a message up for long (it is then let through).
REDIS_TIMEOUT_SECONDS = 0.5
# After a storage failure, messages pass unchecked this long before Redis is tried again.
OUTAGE_PAUSE_SECONDS = 30.0
NOTICES_REMEMBERED = 10_000  # Telegram chats told "wait" in the current window (OncePerWindow)


class RateLimitConfigError(ValueError):
    """A chat rate limit setting that cannot be used; the message says which and why."""


def limited_message(retry_after: int) -> str:
    """What a visitor reads instead of an answer: their message was not read, and when to resend."""
    return (f"Dit bericht heb ik niet gelezen: je stuurt berichten sneller dan ik ze kan beantwoorden. "
            f"Stuur het over {_wait(retry_after)} gerust nog eens.")


def _wait(seconds: int) -> str:
    if seconds <= 5:
        return "een paar seconden"
    if seconds < 60:
        return f"{seconds} seconden"
    minutes = math.ceil(seconds / 60)
    if minutes == 1:
        return "een minuut"
    if minutes < 60:
        return f"{minutes} minuten"
    hours = math.ceil(minutes / 60)
    return "een uur" if hours == 1 else f"{hours} uur"


def parse_limits(setting: str, value: str) -> tuple[RateLimitItem, ...]:
    """`value` as rate limits ("20/minute;200/hour"); empty means off (no limits)."""
    if not value.strip():
        return ()
    try:
        items = parse_many(value)
    except ValueError:
        items = []
    if not items or any(item.amount < 1 for item in items):
        raise RateLimitConfigError(
            f"{setting}={value!r} is not a rate limit: write e.g. '20/minute;200/hour' "
            f"(amount/second|minute|hour|day, several separated by ';'), or set it empty to switch it off")
    # Our own namespace, so that nothing else counting in the same Redis shares these keys. Shortest
    # window first: a message the minute refuses then takes nothing from the hour.
    return tuple(type(item)(item.amount, item.multiples, namespace=NAMESPACE)
                 for item in sorted(items, key=lambda item: item.get_expiry()))


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(setting: str, value: str) -> tuple[Network, ...]:
    networks = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise RateLimitConfigError(
                f"{setting}: {part!r} is not an IP address or network (e.g. 127.0.0.1,10.0.0.0/8)") from None
    return tuple(networks)


@dataclass(frozen=True)
class ChatLimitSettings:
    storage_url: str = DEFAULT_STORAGE_URL
    per_sender: tuple[RateLimitItem, ...] = ()
    per_address: tuple[RateLimitItem, ...] = ()
    trusted_proxies: tuple[Network, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ChatLimitSettings:
        """Unset: the default. Set but empty: that limit is off. Anything unusable: RateLimitConfigError."""
        env = os.environ if environ is None else environ
        storage_url = (env.get(STORAGE_SETTING) or DEFAULT_STORAGE_URL).strip()
        if not _STORAGE_SCHEME.match(storage_url):
            raise RateLimitConfigError(
                f"{STORAGE_SETTING} must start with memory://, redis://, rediss:// or redis+unix:// "
                f"(got {storage_url.split('://')[0]!r})")
        return cls(
            storage_url=storage_url,
            per_sender=parse_limits(SENDER_SETTING, env.get(SENDER_SETTING, DEFAULT_PER_SENDER)),
            per_address=parse_limits(ADDRESS_SETTING, env.get(ADDRESS_SETTING, DEFAULT_PER_ADDRESS)),
            trusted_proxies=parse_networks(PROXIES_SETTING, env.get(PROXIES_SETTING, "")),
        )

    def describe(self) -> str:
        """For the log at start-up; never the storage URL itself (it may hold a password)."""
        def limits_(items: tuple[RateLimitItem, ...]) -> str:
            return ";".join(str(item) for item in items) or "off"
        return (f"per sender {limits_(self.per_sender)}, per address {limits_(self.per_address)}, "
                f"storage {self.storage_url.split('://')[0]}, trusted proxies {len(self.trusted_proxies)}")


@dataclass(frozen=True)
class Refusal:
    """A message over a limit: not to be processed. `retry_after` in whole seconds (>= 1)."""

    scope: str  # "sender" or "address"
    retry_after: int


class ChatRateLimiter:
    """Counts messages per sender and per client address; `check` says whether one may pass."""

    def __init__(self, settings: ChatLimitSettings, *, storage: Storage | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        if storage is None:
            try:
                storage = storage_from_string(
                    settings.storage_url, wrap_exceptions=True,
                    socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
            except Exception as exc:  # limits' ConfigurationError, e.g. a Redis URL it cannot use
                raise RateLimitConfigError(f"{STORAGE_SETTING}: {exc}") from None
        self._storage = storage
        self._limiter = MovingWindowRateLimiter(storage)
        # Memory answers in microseconds; Redis is asked from a thread (see `acheck`).
        self._in_process = isinstance(storage, MemoryStorage)
        self._clock = clock
        self._lock = threading.Lock()
        self._paused_until = 0.0
        self._storage_down = False
        self._warned_forwarded = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ChatRateLimiter:
        return cls(ChatLimitSettings.from_env(environ))

    @property
    def enabled(self) -> bool:
        return bool(self.settings.per_sender or self.settings.per_address)

    # --- checking a message ---------------------------------------------------------------------

    def check(self, sender: str | None = None, address: str | None = None) -> Refusal | None:
        """Count one message; a Refusal when it is over a limit (and then it is not counted).

        The sender is checked first, so a visitor flooding one conversation does not use up the
        allowance of others behind the same address. When the storage fails (Redis down), the
        message passes: a chat must not die because the counter is gone. A warning is logged once
        per outage, and the storage is left alone for OUTAGE_PAUSE_SECONDS before it is tried again.
        """
        if not self.enabled or self._clock() < self._paused_until:
            return None
        checks = []
        if sender and self.settings.per_sender:
            checks.append(("sender", self.settings.per_sender, sender))
        if address and self.settings.per_address:
            checks.append(("address", self.settings.per_address, address))
        try:
            refusal = self._hit_all(checks)
        except Exception as exc:  # limits' StorageError (redis ConnectionError, timeout, ...), or worse
            self._storage_failed(exc)
            return None
        self._storage_works()
        return refusal

    async def acheck(self, sender: str | None = None, address: str | None = None) -> Refusal | None:
        """`check` for the event loop: a Redis round trip runs in a thread, never on the loop."""
        if self._in_process or not self.enabled:
            return self.check(sender, address)
        return await asyncio.to_thread(self.check, sender, address)

    def _hit_all(self, checks: list[tuple[str, tuple[RateLimitItem, ...], str]]) -> Refusal | None:
        for scope, items, key in checks:
            for item in items:  # shortest window first (parse_limits)
                if not self._limiter.hit(item, scope, key):
                    reset_at = self._limiter.get_window_stats(item, scope, key).reset_time
                    return Refusal(scope, max(1, math.ceil(reset_at - time.time())))
        return None

    def _storage_failed(self, exc: Exception) -> None:
        with self._lock:
            self._paused_until = self._clock() + OUTAGE_PAUSE_SECONDS
            first = not self._storage_down
            self._storage_down = True
        if first:
            cause = getattr(exc, "storage_error", None) or exc.__cause__ or exc  # limits' StorageError wraps
            logger.warning("chat rate limits: %s unreachable (%s); messages pass unlimited until it is back",
                           STORAGE_SETTING, type(cause).__name__)

    def _storage_works(self) -> None:
        if self._storage_down:
            with self._lock:
                was_down, self._storage_down = self._storage_down, False
            if was_down:
                logger.info("chat rate limits: %s reachable again; limits apply", STORAGE_SETTING)

    # --- who is asking --------------------------------------------------------------------------

    def client_address(self, peer: str | None, forwarded_for: str | None = None) -> str | None:
        """The address to count a request against.

        The peer (the TCP connection's address), unless the peer is one of CHAT_TRUSTED_PROXIES:
        then X-Forwarded-For is read from the right, and the first hop that is not a trusted proxy
        is the client. Anyone can write X-Forwarded-For, so it is never read from other peers.
        IPv6 addresses count per /64, the block one customer usually has.
        """
        peer_ip = _ip(peer)
        if peer_ip is None:
            return peer.strip() if peer and peer.strip() else None
        hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
        if not hops:
            return _key(peer_ip)
        if not self._trusted(peer_ip):
            if not self._warned_forwarded:
                self._warned_forwarded = True
                logger.warning("chat rate limits: X-Forwarded-For from %s ignored (not in %s); behind a proxy "
                               "set %s, or every visitor behind it shares one per-address limit",
                               peer_ip, PROXIES_SETTING, PROXIES_SETTING)
            return _key(peer_ip)
        client = peer_ip
        for hop in reversed(hops):
            hop_ip = _ip(hop)
            if hop_ip is None:
                break  # garbage from before our proxies: the last address a trusted proxy saw
            client = hop_ip
            if not self._trusted(hop_ip):
                break
        return _key(client)

    def _trusted(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(ip in network for network in self.settings.trusted_proxies)


def _ip(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = (value or "").strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":")[0]
    try:
        ip = ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


def _key(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class OncePerWindow:
    """Whether to tell a sender "wait": once until the refusal's window has passed (Telegram).

    In process memory: with several Rasa instances a chat may hear it once from each instance that
    refuses one of its updates, never once per update.
    """

    def __init__(self, size: int = NOTICES_REMEMBERED, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self._clock = clock
        self._until: OrderedDict[str, float] = OrderedDict()

    def first(self, key: str, retry_after: int) -> bool:
        now = self._clock()
        if self._until.get(key, 0.0) > now:
            return False
        self._until[key] = now + retry_after
        self._until.move_to_end(key)
        while len(self._until) > self.size:
            self._until.popitem(last=False)
        return True


_shared: dict[ChatLimitSettings, ChatRateLimiter] = {}
_shared_lock = threading.Lock()


def shared_limiter(environ: Mapping[str, str] | None = None) -> ChatRateLimiter:
    """One limiter per process and settings, so REST and the widget count one address together."""
    settings = ChatLimitSettings.from_env(environ)
    with _shared_lock:
        limiter = _shared.get(settings)
        if limiter is None:
            limiter = _shared[settings] = ChatRateLimiter(settings)
            logger.info("chat rate limits: %s", settings.describe())
    return limiter


def limiter_for_channel() -> ChatRateLimiter:
    """`shared_limiter()` for a Rasa channel: a bad setting stops Rasa at start-up, saying why."""
    try:
        return shared_limiter()
    except RateLimitConfigError as error:
        from rasa.shared.exceptions import RasaException  # here only: the unit tests run without Rasa

        raise RasaException(str(error)) from None
