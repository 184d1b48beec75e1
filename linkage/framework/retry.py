"""Capped exponential back-off with "equal jitter", shared by every connector and the bundles.

Many items failing together (an outage) must not come back together: each waits a random time
between half and all of its capped exponential ceiling.
"""

from __future__ import annotations

import random
from datetime import timedelta


def backoff(
    attempts: int, *, base: float, cap: float, rng: random.Random | None = None
) -> timedelta:
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=(rng or random).uniform(ceiling / 2, ceiling))
