"""Sign-in throttling: counts of failed attempts per key, and the limits that slow a guesser."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = ["MAX_KEYS", "RateLimiter", "SignInThrottle"]

MAX_KEYS = 100_000  # keys a limiter remembers before it forgets those that block nobody


class RateLimiter:
    """At most ``limit`` failed attempts per key within ``window`` seconds (in memory, per process)."""

    def __init__(self, limit: int = 5, window: float = 300.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque(maxlen=self.limit))
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def count(self, key: str) -> int:
        """The failures counted against ``key`` within the window."""
        now = self.clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                return 0
            return len(self._recent(key, now))

    def blocked(self, *keys: str) -> bool:
        """Whether any of ``keys`` has used up its attempts."""
        return any(self.count(k) >= self.limit for k in keys)

    def hit(self, *keys: str) -> None:
        """Count one failed attempt against each of ``keys``."""
        now = self.clock()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)
            if len(self._hits) > MAX_KEYS:  # forget expired keys, then those that block nobody
                self._hits = {k: v for k, v in self._hits.items() if self._recent(k, now)}
                if len(self._hits) > MAX_KEYS:
                    self._hits = {k: v for k, v in self._hits.items() if len(v) >= self.limit}

    def reset(self, *keys: str) -> None:
        """Forget ``keys``' failures (after a successful sign-in)."""
        with self._lock:
            for k in keys:
                self._hits.pop(k, None)


class SignInThrottle:
    """Limits on failed sign-ins that slow a guesser without locking the account's owner out.

    Failures are counted within ``window`` seconds per address, per (user name, address) and per
    user name over every address. An attempt is refused (429) when

    - its address has ``per_address`` failures, whatever the names tried (a guesser spraying
      many names from one place); or
    - its (name, address) pair has ``per_pair`` failures (a guesser of one account from one place
      stops there — the owner signing in from elsewhere is not affected); or
    - the name has ``per_user`` failures over all addresses (a guesser spread over many places)
      *and* this address already failed once for that name: while an account is under such an
      attack every address gets one try at it per window, so a distributed guesser gets a fifth of
      its tries, and the owner, from an address that did not fail, still signs in at the first try.

    A success forgets its pair's failures. Names that do not exist are counted exactly like names
    that do, so the limits tell nothing about which accounts exist. The counts live in this
    process's memory (several server processes each count their own).
    """

    def __init__(
        self,
        *,
        per_address: int = 30,
        per_pair: int = 5,
        per_user: int = 20,
        window: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window
        self.address = RateLimiter(per_address, window, clock=clock)
        self.pair = RateLimiter(per_pair, window, clock=clock)
        self.user = RateLimiter(per_user, window, clock=clock)

    @staticmethod
    def _pair(user: str, address: str) -> str:
        return f"{user}\x00{address}"

    def allowed(self, user: str, address: str) -> bool:
        """Whether ``user`` may try a password from ``address`` now."""
        pair = self._pair(user, address)
        if self.address.blocked(address) or self.pair.blocked(pair):
            return False
        return not (self.user.blocked(user) and self.pair.count(pair) >= 1)

    def failed(self, user: str, address: str) -> None:
        """Count a wrong password (or an unknown or inactive user) for ``user`` from ``address``."""
        self.address.hit(address)
        self.pair.hit(self._pair(user, address))
        self.user.hit(user)

    def succeeded(self, user: str, address: str) -> None:
        """Forget the pair's failures after a successful sign-in."""
        self.pair.reset(self._pair(user, address))
