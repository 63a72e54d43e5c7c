"""Pure arithmetic of the trend and the forecast: no database, so it is tested on constructed
histories.

The pace is the covered share gained per week over a window ending today; the projection
extends it linearly to the deadline, bounded to 0–100 %. A share that fell over the window
(people joined the roster faster than they were trained) projects a fall.
"""

import datetime
import math
from dataclasses import dataclass

WEEK_DAYS = 7


@dataclass(frozen=True)
class Forecast:
    percent_now: float | None
    # Percentage points per week over the window; None when nobody is required.
    pace: float | None
    percent_at_deadline: float | None
    # When 100 % is reached at this pace: today when complete, None when never.
    date_full: datetime.date | None

    @property
    def misses_deadline(self) -> bool:
        return self.percent_at_deadline is not None and self.percent_at_deadline < 100


NO_FORECAST = Forecast(None, None, None, None)


def month_ends(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The last day of each month from `start`'s to `end`'s, the last one cut to `end`."""
    if end < start:
        return []
    result = []
    year, month = start.year, start.month
    while True:
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        last = following - datetime.timedelta(days=1)
        if last >= end:
            result.append(end)
            return result
        result.append(last)
        year, month = following.year, following.month


def percent(covered: int, required: int) -> float | None:
    return covered * 100 / required if required else None


def percent_shown(value: float) -> float:
    """One decimal, never showing 100 for a share short of it (99.96 reads 99.9)."""
    shown = round(value, 1)
    return 99.9 if shown >= 100 and value < 100 else shown


def pace_window(
    *, start: datetime.date, today: datetime.date, weeks: int
) -> tuple[datetime.date, float] | None:
    """The window the pace is measured over: `weeks` back from today, shortened to the
    target's start when it began less long ago (its share was 0 then); None before it starts."""
    if today <= start:
        return None
    then = max(today - datetime.timedelta(weeks=weeks), start - datetime.timedelta(days=1))
    return then, (today - then).days / WEEK_DAYS


def forecast_project(
    *,
    percent_now: float | None,
    percent_then: float | None,
    weeks: float,
    today: datetime.date,
    deadline: datetime.date,
) -> Forecast:
    """Extend the pace from `weeks` ago to today up to the deadline (shares in percent)."""
    if percent_now is None:
        return NO_FORECAST
    pace = (percent_now - (percent_then or 0)) / weeks
    if percent_now >= 100:
        return Forecast(100.0, pace, 100.0, today)
    weeks_left = max((deadline - today).days, 0) / WEEK_DAYS
    at_deadline = min(max(percent_now + pace * weeks_left, 0.0), 100.0)
    date_full = None
    if pace > 0:
        days = math.ceil((100 - percent_now) / pace * WEEK_DAYS)
        date_full = today + datetime.timedelta(days=days)
    return Forecast(percent_shown(percent_now), pace, percent_shown(at_deadline), date_full)
