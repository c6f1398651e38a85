"""The chat channels' rate limits (bot/channels/rate_limit.py): settings, counting, client addresses,
failing open when the storage is gone, and Redis shared by two Rasa instances (the real Redis of
tests/support/redis_server.py; skipped without it, except in CI: REQUIRE_SERVICES=1)."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time

import pytest
from limits.errors import StorageError
from limits.storage import MemoryStorage

from bot.channels.rate_limit import (
    ADDRESS_SETTING,
    DEFAULT_PER_ADDRESS,
    DEFAULT_PER_SENDER,
    OUTAGE_PAUSE_SECONDS,
    PROXIES_SETTING,
    SENDER_SETTING,
    STORAGE_SETTING,
    ChatLimitSettings,
    ChatRateLimiter,
    OncePerWindow,
    RateLimitConfigError,
    Refusal,
    limited_message,
    shared_limiter,
)
from tests.support.redis_server import redis_url_or_skip


def limiter(per_sender: str = "", per_address: str = "", proxies: str = "", **kwargs) -> ChatRateLimiter:
    return ChatRateLimiter(ChatLimitSettings.from_env({
        SENDER_SETTING: per_sender, ADDRESS_SETTING: per_address, PROXIES_SETTING: proxies}), **kwargs)


# --- settings -----------------------------------------------------------------------------------


def test_defaults_limit_senders_and_addresses_in_memory() -> None:
    settings = ChatLimitSettings.from_env({})
    assert settings.storage_url == "memory://"
    assert [str(item) for item in settings.per_sender] == ["20 per 1 minute", "200 per 1 hour"]
    assert [str(item) for item in settings.per_address] == ["300 per 1 minute"]
    assert settings.trusted_proxies == ()
    assert DEFAULT_PER_SENDER == "20/minute;200/hour" and DEFAULT_PER_ADDRESS == "300/minute"


def test_an_empty_value_switches_that_limit_off() -> None:
    settings = ChatLimitSettings.from_env({ADDRESS_SETTING: ""})
    assert settings.per_address == () and settings.per_sender
    off = limiter(per_sender=" ", per_address="")
    assert not off.enabled
    assert all(off.check("anna", "192.0.2.1") is None for _ in range(500))


def test_limits_are_checked_shortest_window_first() -> None:
    settings = ChatLimitSettings.from_env({SENDER_SETTING: "100/hour, 5/second"})
    assert [str(item) for item in settings.per_sender] == ["5 per 1 second", "100 per 1 hour"]


@pytest.mark.parametrize(("name", "value"), [
    (SENDER_SETTING, "veel"), (SENDER_SETTING, "20"), (SENDER_SETTING, "20/minute;"),
    (SENDER_SETTING, "0/minute"), (ADDRESS_SETTING, "300/fortnight"), (ADDRESS_SETTING, "300/minute; veel"),
])
def test_an_unusable_limit_is_refused_naming_the_setting(name: str, value: str) -> None:
    with pytest.raises(RateLimitConfigError, match=name) as refused:
        ChatLimitSettings.from_env({name: value})
    assert "20/minute;200/hour" in str(refused.value)  # and says how to write one


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "http://redis", "127.0.0.1:6379"])
def test_an_unknown_storage_is_refused(url: str) -> None:
    with pytest.raises(RateLimitConfigError, match=STORAGE_SETTING):
        ChatLimitSettings.from_env({STORAGE_SETTING: url})


def test_an_unusable_proxy_is_refused() -> None:
    with pytest.raises(RateLimitConfigError, match=f"{PROXIES_SETTING}: 'proxy.local'"):
        ChatLimitSettings.from_env({PROXIES_SETTING: "127.0.0.1, proxy.local"})


def test_the_start_up_log_line_never_shows_the_storage_password() -> None:
    settings = ChatLimitSettings.from_env({STORAGE_SETTING: "redis://:geheim@redis.internal:6379/0"})
    assert "geheim" not in settings.describe() and "redis" in settings.describe()


def test_one_limiter_per_process_for_the_same_settings() -> None:
    env = {SENDER_SETTING: "7/minute"}
    assert shared_limiter(env) is shared_limiter(dict(env))
    assert shared_limiter(env) is not shared_limiter({SENDER_SETTING: "8/minute"})


# --- counting -----------------------------------------------------------------------------------


def test_a_sender_over_the_limit_is_refused_with_the_wait_and_others_are_not() -> None:
    chat = limiter(per_sender="3/minute")
    assert [chat.check("anna") for _ in range(3)] == [None] * 3
    refusal = chat.check("anna")
    assert isinstance(refusal, Refusal) and refusal.scope == "sender"
    assert 55 <= refusal.retry_after <= 60
    assert chat.check("bram") is None


class Clock:
    """The wall clock the in-memory counter and our limiter read, moved on by the test, not by waiting."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    monotonic = time

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    import limits.storage.memory

    from bot.channels import rate_limit

    fake = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(rate_limit, "time", fake)
    return fake


def test_refused_messages_do_not_count(clock: Clock) -> None:
    chat = limiter(per_sender="2/second")
    assert chat.check("anna") is None and chat.check("anna") is None
    assert all(chat.check("anna") is not None for _ in range(10))
    clock.advance(1.05)  # a moving window: the two counted messages have left it, the refused never entered
    assert chat.check("anna") is None


def test_every_limit_of_a_setting_applies(clock: Clock) -> None:
    chat = limiter(per_sender="2/second;3/minute")
    assert chat.check("anna") is None and chat.check("anna") is None
    assert chat.check("anna").retry_after == 1
    clock.advance(1.05)
    assert chat.check("anna") is None
    refusal = chat.check("anna")
    assert refusal is not None and refusal.retry_after > 50  # now the minute is full


def test_an_address_is_limited_across_senders() -> None:
    chat = limiter(per_sender="2/minute", per_address="4/minute")
    assert [chat.check(f"bezoeker-{n}", "192.0.2.7") for n in range(4)] == [None] * 4
    assert chat.check("bezoeker-9", "192.0.2.7").scope == "address"
    assert chat.check("bezoeker-9", "192.0.2.8") is None  # another address


def test_a_flooding_sender_does_not_use_up_its_address() -> None:
    chat = limiter(per_sender="2/minute", per_address="4/minute")
    results = [chat.check("flood", "192.0.2.7") for _ in range(20)]
    assert results[:2] == [None, None] and all(r is not None and r.scope == "sender" for r in results[2:])
    assert chat.check("neighbour", "192.0.2.7") is None  # the refused messages were not counted there


def test_without_an_address_only_the_sender_counts() -> None:
    chat = limiter(per_sender="2/minute", per_address="1/minute")
    assert chat.check("telegram-1") is None and chat.check("telegram-2") is None


def test_the_async_check_counts_the_same() -> None:
    chat = limiter(per_sender="1/minute")

    async def twice() -> list[Refusal | None]:
        return [await chat.acheck("anna"), await chat.acheck("anna")]

    first, second = asyncio.run(twice())
    assert first is None and second is not None


# --- the storage gone: fail open --------------------------------------------------------------


class BreakableStorage(MemoryStorage):
    """Memory that fails like an unreachable Redis while `broken`."""

    def __init__(self) -> None:
        super().__init__()
        self.broken = False
        self.calls = 0

    def acquire_entry(self, *args, **kwargs) -> bool:
        self.calls += 1
        if self.broken:
            raise StorageError(ConnectionError("Connection refused"))
        return super().acquire_entry(*args, **kwargs)


def test_messages_pass_while_the_storage_is_down_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    now = [1000.0]
    storage = BreakableStorage()
    chat = limiter(per_sender="1/minute", storage=storage, clock=lambda: now[0])
    assert chat.check("anna") is None and chat.check("anna") is not None

    storage.broken = True
    with caplog.at_level(logging.INFO, logger="bot.channels.rate_limit"):
        assert [chat.check("anna") for _ in range(5)] == [None] * 5  # let through
        assert storage.calls == 3  # tried once, then left alone for a while
        now[0] += OUTAGE_PAUSE_SECONDS + 1
        assert chat.check("anna") is None  # tried again, still down: still through, no second warning
        storage.broken = False
        now[0] += OUTAGE_PAUSE_SECONDS + 1
        assert chat.check("anna") is not None  # back: the limit applies again

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "RATE_LIMIT_STORAGE_URL" in warnings[0].getMessage()
    assert "ConnectionError" in warnings[0].getMessage()
    assert any("reachable again" in r.getMessage() for r in caplog.records if r.levelno == logging.INFO)


def test_an_unreachable_redis_lets_messages_through() -> None:
    chat = ChatRateLimiter(ChatLimitSettings.from_env({STORAGE_SETTING: "redis://127.0.0.1:1/0",
                                                       SENDER_SETTING: "1/minute"}))
    started = time.monotonic()
    assert [asyncio.run(chat.acheck("anna", "192.0.2.1")) for _ in range(3)] == [None] * 3
    assert time.monotonic() - started < 3


# --- Redis: one count for every Rasa instance ---------------------------------------------------


def test_redis_shares_the_count_between_rasa_instances() -> None:
    env = {STORAGE_SETTING: redis_url_or_skip(), SENDER_SETTING: "3/minute", ADDRESS_SETTING: "5/minute"}
    first, second = ChatRateLimiter.from_env(env), ChatRateLimiter.from_env(env)
    sender, address = f"anna-{secrets.token_hex(6)}", f"test-{secrets.token_hex(6)}"  # keys of this run

    assert first.check(sender, address) is None
    assert second.check(sender, address) is None
    assert first.check(sender, address) is None
    refusal = asyncio.run(second.acheck(sender, address))  # from a thread, as in Rasa
    assert refusal is not None and refusal.scope == "sender" and 55 <= refusal.retry_after <= 60

    assert first.check(f"bram-{secrets.token_hex(6)}", address) is None  # 4th for the address
    assert second.check(f"cees-{secrets.token_hex(6)}", address) is None  # 5th
    assert first.check(f"dirk-{secrets.token_hex(6)}", address).scope == "address"


# --- who is asking --------------------------------------------------------------------------------


@pytest.mark.parametrize(("peer", "forwarded", "expected"), [
    ("192.0.2.1", None, "192.0.2.1"),
    ("192.0.2.1", "203.0.113.5", "192.0.2.1"),  # not a trusted proxy: its header is ignored
    ("127.0.0.1", "203.0.113.5", "203.0.113.5"),
    ("127.0.0.1", "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the visitor wrote the first one
    ("127.0.0.1", "203.0.113.5, 10.1.2.3", "203.0.113.5"),  # through two of our proxies
    ("127.0.0.1", "10.1.2.3, 10.0.0.9", "10.1.2.3"),  # only proxies: the first of them
    ("127.0.0.1", "onzin, 10.0.0.9", "10.0.0.9"),  # garbage before our proxies
    ("127.0.0.1", "", "127.0.0.1"),
    ("127.0.0.1", "203.0.113.5:51234", "203.0.113.5"),
    ("127.0.0.1", "[2001:db8:1:2:3::9]:443", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:aaaa::1", None, "2001:db8:1:2::/64"),  # IPv6 per /64
    ("::ffff:192.0.2.1", None, "192.0.2.1"),
    ("", None, None),
    (None, None, None),
])
def test_the_client_address(peer: str | None, forwarded: str | None, expected: str | None) -> None:
    chat = limiter(per_address="1/minute", proxies="127.0.0.1, 10.0.0.0/8")
    assert chat.client_address(peer, forwarded) == expected


def test_forwarded_for_from_an_unknown_peer_is_reported_once(caplog: pytest.LogCaptureFixture) -> None:
    chat = limiter(per_address="1/minute")
    with caplog.at_level(logging.WARNING, logger="bot.channels.rate_limit"):
        for _ in range(3):
            assert chat.client_address("10.0.0.2", "203.0.113.5") == "10.0.0.2"
    assert len(caplog.records) == 1 and PROXIES_SETTING in caplog.records[0].getMessage()


# --- what the visitor reads -----------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "wait"), [
    (1, "een paar seconden"), (30, "30 seconden"), (60, "een minuut"), (61, "2 minuten"),
    (3540, "59 minuten"), (3599, "een uur"), (3600, "een uur"), (7200, "2 uur"),
])
def test_the_message_says_in_dutch_when_to_try_again(seconds: int, wait: str) -> None:
    text = limited_message(seconds)
    assert f"over {wait} " in text
    assert text.startswith("Dit bericht heb ik niet gelezen")


def test_a_chat_is_told_once_per_window() -> None:
    now = [0.0]
    once = OncePerWindow(size=2, clock=lambda: now[0])
    assert once.first("telegram-1", 60) and not once.first("telegram-1", 60)
    assert once.first("telegram-2", 60)
    now[0] = 61
    assert once.first("telegram-1", 60)
    assert once.first("telegram-3", 60) and once.first("telegram-4", 60)  # the oldest are forgotten
    assert once.first("telegram-2", 60)
