"""Pure money arithmetic: largest-remainder rounding and the solidarity redistribution. No database here."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_FLOOR, Decimal, localcontext

CENT = Decimal("0.01")
ZERO = Decimal("0")


def to_cents(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).to_integral_value())


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def largest_remainder(total: Decimal, weights: Mapping[Hashable, Decimal]) -> dict[Hashable, Decimal]:
    """Split ``total`` (to the cent) in proportion to ``weights``; the parts add up to ``total`` exactly.

    Each part gets the floor of its exact quota in cents; the cents left over go one by one to the largest
    remainders (ties: the larger weight first, then the key order given). A negative total is split as its
    opposite and negated. Weights must not be negative; if they are all zero, the total is split equally.
    """
    keys = list(weights)
    if not keys:
        return {}
    cents = to_cents(total)
    sign = -1 if cents < 0 else 1
    cents = abs(cents)
    ws = [Decimal(weights[k]) for k in keys]
    if any(w < 0 for w in ws):
        raise ValueError("weights must not be negative")
    weight_sum = sum(ws, ZERO)
    if weight_sum == 0:
        ws = [Decimal(1)] * len(keys)
        weight_sum = Decimal(len(keys))
    with localcontext() as ctx:
        ctx.prec = 40
        quotas = [Decimal(cents) * w / weight_sum for w in ws]
        floors = [int(q.to_integral_value(rounding=ROUND_FLOOR)) for q in quotas]
        remainders = [q - f for q, f in zip(quotas, floors, strict=True)]
    left = cents - sum(floors)
    order = sorted(range(len(keys)), key=lambda i: (-remainders[i], -ws[i], i))
    for i in order[:left]:
        floors[i] += 1
    return {k: from_cents(sign * c) for k, c in zip(keys, floors, strict=True)}


def solidarity(
    base: Mapping[Hashable, Decimal],
    coefficients: Mapping[Hashable, Decimal],
    floors: Mapping[Hashable, Decimal | None] | None = None,
    caps: Mapping[Hashable, Decimal | None] | None = None,
) -> dict[Hashable, Decimal]:
    """Redistribute ``base`` shares (non-negative, to the cent) by contribution coefficients, floors and caps.

    Each practice's target is proportional to ``base × coefficient``, scaled so that the total stays the same;
    a practice whose target falls below its floor pays the floor, above its cap pays the cap, and the rest is
    spread again over the others (repeated until nothing moves). Floors that together exceed the total, or caps
    that together cannot reach it, cannot all hold: they are then set aside. The result is rounded once with the
    largest-remainder rule, so the shares add up to the same total to the cent: coefficients move money and
    create none.
    """
    keys = list(base)
    if not keys:
        return {}
    floors = floors or {}
    caps = caps or {}
    total = sum((Decimal(base[k]) for k in keys), ZERO)
    desired = {k: Decimal(base[k]) * Decimal(coefficients.get(k, 1)) for k in keys}
    if sum(desired.values(), ZERO) == 0:
        desired = {k: Decimal(base[k]) for k in keys}
    paying = [k for k in keys if base[k] > 0]
    lo = {k: Decimal(floors[k]) for k in paying if floors.get(k) is not None}
    hi = {k: Decimal(caps[k]) for k in paying if caps.get(k) is not None}
    if sum(lo.values(), ZERO) > total:
        lo = {}
    if len(hi) == len(paying) and sum(hi.values(), ZERO) < total:
        hi = {}
    # A practice with nothing to pay under the keys (not present in the period) stays at zero.
    fixed: dict[Hashable, Decimal] = {k: ZERO for k in keys if base[k] <= 0}
    targets: dict[Hashable, Decimal] = {}
    with localcontext() as ctx:
        ctx.prec = 40
        for _round in range(len(keys) + 1):
            free = [k for k in keys if k not in fixed]
            remaining = total - sum(fixed.values(), ZERO)
            free_weight = sum((desired[k] for k in free), ZERO)
            if free_weight > 0:
                targets = {k: remaining * desired[k] / free_weight for k in free}
            else:
                targets = {k: remaining / len(free) for k in free} if free else {}
            moved = False
            for k, t in targets.items():
                if k in lo and t < lo[k]:
                    fixed[k] = lo[k]
                    moved = True
                elif k in hi and t > hi[k]:
                    fixed[k] = hi[k]
                    moved = True
            if not moved or not free:
                break
        exact = {**targets, **fixed}
        exact = {k: max(v, ZERO) for k, v in exact.items()}
    return largest_remainder(total, {k: exact.get(k, ZERO) for k in keys})
