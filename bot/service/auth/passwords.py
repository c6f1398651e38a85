"""Hash and check staff passwords (argon2id via argon2-cffi), and refuse weak ones (zxcvbn)."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128
# zxcvbn's estimate grows quadratically with the length (it refuses over 72): it rates the first 72.
SCORED_LENGTH = 72
MIN_SCORE = 3  # zxcvbn: 0 (guessable in seconds) .. 4; 3 is "safely unguessable" offline-slow hashes
# Words zxcvbn's English lists miss that an attacker of this site would try first.
SITE_WORDS = ["mentorwijzer", "mentor", "mentoring", "coaching", "training", "wachtwoord", "welkom", "geheim"]

# argon2-cffi's defaults follow RFC 9106 (low-memory profile); raising them later makes
# `needs_rehash` true for old hashes, which are then replaced at the next login.
# (The tests swap in cheaper parameters: a production hash takes about a quarter second.)
HASHER = PasswordHasher()


class WeakPassword(ValueError):
    """The message is Dutch and meant for the person choosing the password."""


@dataclass(frozen=True)
class Checked:
    ok: bool
    new_hash: str | None = None  # set when the stored hash uses outdated parameters


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(stored_hash: str, password: str) -> Checked:
    try:
        HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return Checked(ok=False)
    return Checked(ok=True, new_hash=HASHER.hash(password) if HASHER.check_needs_rehash(stored_hash) else None)


_dummy: tuple[PasswordHasher, str] | None = None


def verify_nobody(password: str) -> Checked:
    """For an unknown e-mail address: take as long as checking a real account's password."""
    global _dummy
    if _dummy is None or _dummy[0] is not HASHER:
        _dummy = (HASHER, HASHER.hash("no account has this password"))
    verify(_dummy[1], password)
    return Checked(ok=False)


def check_strength(password: str, *, email: str = "", name: str = "") -> str:
    """Return the password, or raise WeakPassword saying in Dutch what to do about it."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Het wachtwoord moet minstens {MIN_LENGTH} tekens lang zijn.")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"Het wachtwoord mag hoogstens {MAX_LENGTH} tekens lang zijn.")
    if password.strip() != password:
        raise WeakPassword("Het wachtwoord mag niet met een spatie beginnen of eindigen.")
    personal = [part for part in (email, email.split("@")[0], *name.split()) if part]
    if zxcvbn(password[:SCORED_LENGTH], user_inputs=SITE_WORDS + personal)["score"] < MIN_SCORE:
        raise WeakPassword(
            "Dit wachtwoord is te makkelijk te raden (een bekend wachtwoord, een patroon of je eigen naam)."
            " Kies bijvoorbeeld vier losse woorden met spaties of streepjes ertussen."
        )
    return password
