"""Sliding-window allowances: how many actions a key (a participant, a source) may take per window."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field


@dataclass
class SlidingWindow:
    """Remembers the last `limit` action times per key; the oldest keys are forgotten past `max_keys`.

    Kept in memory per warm container: a speed bump for bots and double-submits that costs no
    database write. The hard limits are elsewhere (one vote per proposal by a conditional write,
    API Gateway throttling and the WAF rule per IP on AWS).
    """

    limit: int
    window: float
    max_keys: int = 100_000
    _times: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def hit(self, key: str, now: float) -> int | None:
        """Record one action; None if allowed, else the whole seconds to wait (nothing is recorded)."""
        with self._lock:
            times = self._times.get(key)
            if times is None:
                times = self._times[key] = deque()
                if len(self._times) > self.max_keys:
                    self._times.popitem(last=False)
            self._times.move_to_end(key)
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return max(1, math.ceil(times[0] + self.window - now))
            times.append(now)
            return None
