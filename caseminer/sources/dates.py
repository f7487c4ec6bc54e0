"""Date windows for incremental and split searches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class DateWindow:
    """An inclusive range of days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"date window ends before it starts: {self.start} > {self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def halves(self) -> tuple[DateWindow, DateWindow]:
        """Two windows covering this one without overlap (needs at least two days)."""
        if self.days < 2:
            raise ValueError(f"a one-day window ({self.start}) cannot be split")
        middle = self.start + timedelta(days=self.days // 2 - 1)
        return DateWindow(self.start, middle), DateWindow(middle + timedelta(days=1), self.end)
