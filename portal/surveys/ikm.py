"""The IKM of PermenPANRB 14/2017, computed in this one place: NRR per unsur, IKM, conversion, mutu.

    NRR_i     = Σ score_i ÷ n                      (n respondents, score 1–4)
    IKM       = Σ NRR_i × 1/9                      (nine unsur, equal weight)
    converted = IKM × 25                           (25–100)

Rounding, decided here once: every figure is computed exactly (fractions of the integer sums, never
a rounded NRR fed into the IKM); the converted value is then rounded half-up to 2 decimals, and the
mutu is read on that rounded value. So 64.994… is published as 64.99 and is D, 64.995 becomes 65.00
and is C: the letter always agrees with the number printed next to it. NRR and IKM are published
with 3 decimals (half-up).

Sample adequacy: the Krejcie–Morgan formula s = X²NP(1−P) ÷ (d²(N−1) + X²P(1−P)) with X² = 3.841,
P = 0.5, d = 0.05, rounded half-up to a whole respondent. That reproduces the published table (100 →
80, 1,000 → 278, 10,000 → 370) except at N = 100,000, where the table prints 384 while the formula
gives 382.6: from 100,000 users on we follow the table (384), which the regulation's guidance cites.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from ..catalog import SKM_UNSUR_KEYS

UNSUR = SKM_UNSUR_KEYS
WEIGHT = Fraction(1, len(UNSUR))
SCALE = 25
MIN_SCORE, MAX_SCORE = 1, 4

# (lowest converted value, mutu, kinerja) from the best down; read on the value rounded to 2 decimals.
MUTU = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("25.00"), "D", "Tidak Baik"),
)

KM_CHI2 = Fraction(3841, 1000)
KM_P = Fraction(1, 2)
KM_D = Fraction(5, 100)
KM_TABLE_CAP_FROM, KM_TABLE_CAP = 100_000, 384


def half_up(value: Fraction | Decimal | int, digits: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(value)
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def mutu(converted: Decimal | float | str) -> tuple[str, str]:
    """(letter, kinerja) of a converted value; it is rounded half-up to 2 decimals first."""
    value = half_up(Decimal(str(converted)), 2)
    for lowest, letter, kinerja in MUTU:
        if value >= lowest:
            return letter, kinerja
    return MUTU[-1][1], MUTU[-1][2]


@dataclass(frozen=True)
class Index:
    respondents: int
    nrr: dict[str, Decimal] | None       # 3 decimals
    ikm: Decimal | None                  # 1–4, 3 decimals
    converted: Decimal | None            # 25–100, 2 decimals
    mutu: str | None
    kinerja: str | None

    def as_dict(self) -> dict:
        f = lambda d: None if d is None else float(d)  # noqa: E731
        return {"respondents": self.respondents,
                "nrr": None if self.nrr is None else {k: f(v) for k, v in self.nrr.items()},
                "ikm_unit": f(self.ikm), "ikm": f(self.converted), "mutu": self.mutu, "kinerja": self.kinerja}


def compute(sums: dict[str, int], n: int, keys: tuple[str, ...] = UNSUR,
            counts: dict[str, int] | None = None) -> Index:
    """The index of `n` respondents whose scores per unsur add up to `sums` (u1…u9).

    The perception surveys (IPAK, IPKP) use the same formula over their own items (`keys`), each
    with the equal weight 1/len(keys). Their item set can change during a period, so `counts` gives
    the number of answers per item: NRR_i = Σ score_i ÷ counts_i, and an item nobody answered yet
    has no NRR and is left out of the index.
    """
    if counts is not None:
        keys = tuple(k for k in keys if counts.get(k))
    if not n or not keys:
        return Index(n or 0, None, None, None, None, None)
    weight = WEIGHT if keys == UNSUR else Fraction(1, len(keys))
    exact = {key: Fraction(int(sums.get(key) or 0), counts[key] if counts is not None else n) for key in keys}
    ikm = sum((nrr * weight for nrr in exact.values()), Fraction(0))
    converted = half_up(ikm * SCALE, 2)
    letter, kinerja = mutu(converted)
    return Index(n, {k: half_up(v, 3) for k, v in exact.items()}, half_up(ikm, 3), converted, letter, kinerja)


def weakest(index: Index, count: int = 3) -> list[str]:
    """The `count` unsur with the lowest NRR (ties in the regulation's order)."""
    if index.nrr is None:
        return []
    return sorted(UNSUR, key=lambda k: (index.nrr[k], UNSUR.index(k)))[:count]


def krejcie_morgan(population: int) -> int:
    """The minimum number of respondents for `population` service users (see the module note)."""
    if population <= 0:
        return 0
    if population >= KM_TABLE_CAP_FROM:
        return KM_TABLE_CAP
    n = Fraction(population)
    pq = KM_P * (1 - KM_P)
    s = KM_CHI2 * n * pq / (KM_D ** 2 * (n - 1) + KM_CHI2 * pq)
    return int(half_up(s, 0))
