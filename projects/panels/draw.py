"""The random draw itself, pure: a pool snapshot and a seed in, an order of experts out.

Anyone holding a panel's recorded snapshot and seed re-runs `draw_order` and gets the same
order, hence the same members and the same replacements: `random.Random(seed)` shuffles the
snapshot as recorded (ids ascending), and the rules below only read that order."""

import random
from dataclasses import dataclass

from django.utils.translation import gettext as _

from projects.models import ExpertField


class DrawRefused(Exception):
    """The draw cannot be made as asked; the message is shown as it is (Chinese)."""


@dataclass(frozen=True)
class PoolEntry:
    expert_id: int
    field: str


def panel_size_check(size: int) -> None:
    """An odd number of at least three (吉人社联〔2021〕55号: 不少于3人的单数)."""
    if size < 3 or size % 2 == 0:
        raise DrawRefused(
            _("The panel size must be an odd number of at least 3; %(size)d is not.")
            % {"size": size}
        )


def draw_order(pool: list[PoolEntry], seed: int) -> list[PoolEntry]:
    """The snapshot (sorted by expert id) shuffled by random.Random(seed)."""
    order = sorted(pool, key=lambda entry: entry.expert_id)
    random.Random(seed).shuffle(order)
    return order


def panel_pick(
    *, pool: list[PoolEntry], seed: int, size: int, fields: list[str]
) -> list[PoolEntry]:
    """The panel: for each field to cover (in the order given) the first expert of that field
    in the draw order, then the first others of the order until the panel is full."""
    panel_size_check(size)
    if len(fields) > size:
        raise DrawRefused(
            _("A panel of %(size)d cannot cover %(count)d fields.")
            % {"size": size, "count": len(fields)}
        )
    order = draw_order(pool, seed)
    if len(order) < size:
        raise DrawRefused(
            _("The pool holds %(pool)d eligible experts, fewer than the panel's %(size)d.")
            % {"pool": len(order), "size": size}
        )
    chosen: list[PoolEntry] = []
    for field in fields:
        found = next((e for e in order if e.field == field and e not in chosen), None)
        if found is None:
            raise DrawRefused(
                _("No eligible expert in the pool covers the field “%(field)s”.")
                % {"field": ExpertField(field).label}
            )
        chosen.append(found)
    chosen += [e for e in order if e not in chosen][: size - len(chosen)]
    # Members in draw order, so the printed list reads as the draw ran.
    rank = {entry: index for index, entry in enumerate(order)}
    return sorted(chosen, key=rank.__getitem__)


def replacement_pick(
    *, pool: list[PoolEntry], seed: int, used: set[int], field: str
) -> PoolEntry | None:
    """The replacement for a member who declined: the first expert of the declining member's
    field in the draw order not yet on the panel (declined ones included), else the first of
    any field; None when the pool is exhausted."""
    rest = [e for e in draw_order(pool, seed) if e.expert_id not in used]
    return next((e for e in rest if e.field == field), rest[0] if rest else None)
