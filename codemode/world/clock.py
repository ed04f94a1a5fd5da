"""The world's logical clock: timestamps without reading the real clock.

Generation places history before `EPOCH`; every write at call time ticks the clock by one minute, so
the same sequence of calls gives the same timestamps, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

__all__ = ["EPOCH", "Clock", "days_before", "iso"]

#: "Now" in a freshly generated world.
EPOCH = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    """`2026-03-02T09:00:00Z`: the one timestamp format of the world."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def days_before(days: float) -> datetime:
    """The moment `days` days before `EPOCH`, rounded to the minute."""
    return EPOCH - timedelta(minutes=round(days * 24 * 60))


@dataclass
class Clock:
    """Ticks one minute per write; never reads the wall clock."""

    now: datetime = field(default=EPOCH)
    """The current moment of the world."""

    def tick(self) -> str:
        """Advance one minute and return the new moment as an ISO timestamp."""
        self.now += timedelta(minutes=1)
        return iso(self.now)

    def today(self) -> date:
        """The current day of the world."""
        return self.now.date()
