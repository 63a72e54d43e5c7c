"""The few SQL pieces the detectors need that PostgreSQL and SQLite spell differently."""

from django.db import connection

# Asia/Shanghai has kept UTC+8 without daylight saving since 1991: a fixed offset is exact.
_DAY = {
    "postgresql": "(({col}) AT TIME ZONE 'Asia/Shanghai')::date",
    "sqlite": "date({col}, '+8 hours')",
}
_SECONDS_BETWEEN = {
    "postgresql": "EXTRACT(EPOCH FROM ({end}) - ({start}))",
    "sqlite": "(julianday({end}) - julianday({start})) * 86400.0",
}
# The questions of an exam paper ([{"question": id, ...}, ...]) as rows `item`, and the id.
_PAPER_ITEMS = {
    "postgresql": "CROSS JOIN LATERAL jsonb_array_elements({col}) AS item(value)",
    "sqlite": ", json_each({col}) AS item",
}
_ITEM_QUESTION = {
    "postgresql": "(item.value ->> 'question')::integer",
    "sqlite": "json_extract(item.value, '$.question')",
}


def _spelled(spellings: dict[str, str], **parts) -> str:
    template = spellings.get(connection.vendor)
    if template is None:
        raise NotImplementedError(f"integrity SQL is not written for {connection.vendor}")
    return template.format(**parts)


def local_day(col: str) -> str:
    return _spelled(_DAY, col=col)


def seconds_between(start: str, end: str) -> str:
    return _spelled(_SECONDS_BETWEEN, start=start, end=end)


def paper_items(col: str) -> str:
    return _spelled(_PAPER_ITEMS, col=col)


def item_question() -> str:
    return _spelled(_ITEM_QUESTION)


def time_param(value):
    """A datetime as the backend wants it in raw SQL (SQLite: UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)
