"""The IKM of PermenPANRB 14/2017 on hand-computed answer sets, its mutu boundaries and the sample size.

Every expected value below is worked out by hand in the comment next to it:
NRR_i = Σ score_i ÷ n, IKM = Σ NRR_i × 1/9, converted = IKM × 25 = 25 × Σ all scores ÷ (9n).
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from portal.surveys import ikm

KEYS = [f"u{i}" for i in range(1, 10)]


def spread(total: int) -> dict[str, int]:
    """Per-unsur sums adding up to `total` (the IKM depends on the total only, the NRR on the split)."""
    base, extra = divmod(total, 9)
    return {key: base + (1 if i < extra else 0) for i, key in enumerate(KEYS)}


def test_three_respondents_computed_by_hand():
    # Respondent A answers 4 to everything (36), B answers 3 everywhere (27), C answers 2 on u1–u4 and 1 on u5–u9
    # (8 + 5 = 13). Sums: u1–u4 = 4+3+2 = 9 → NRR 3.000; u5–u9 = 4+3+1 = 8 → NRR 2.667 (8/3 = 2.6666…).
    # IKM = (4 × 3 + 5 × 8/3) / 9 = (12 + 13.333…) / 9 = 2.8148… → 2.815; converted = 76 / 3 / 9 × 25 …
    # exactly: Σ all = 36 + 27 + 13 = 76; converted = 25 × 76 / 27 = 70.370… → 70.37 → C (Kurang Baik).
    sums = {"u1": 9, "u2": 9, "u3": 9, "u4": 9, "u5": 8, "u6": 8, "u7": 8, "u8": 8, "u9": 8}
    index = ikm.compute(sums, 3)
    assert index.nrr["u1"] == Decimal("3.000") and index.nrr["u9"] == Decimal("2.667")
    assert index.ikm == Decimal("2.815")
    assert index.converted == Decimal("70.37")
    assert (index.mutu, index.kinerja) == ("C", "Kurang Baik")
    assert ikm.weakest(index) == ["u5", "u6", "u7"]  # ties in the regulation's order


def test_all_fours_is_100_and_all_ones_is_25():
    assert ikm.compute({k: 40 for k in KEYS}, 10).converted == Decimal("100.00")
    assert ikm.compute({k: 4 for k in KEYS}, 4).converted == Decimal("25.00")
    assert ikm.compute({k: 4 for k in KEYS}, 4).mutu == "D"


@pytest.mark.parametrize("n, total, converted, letter", [
    # 25 × 58491 / (9 × 2500) = 1462275 / 22500 = 64.99 exactly → D
    (2500, 58491, "64.99", "D"),
    # 25 × 117 / (9 × 5) = 2925 / 45 = 65.00 exactly → C
    (5, 117, "65.00", "C"),
    # 25 × 3447 / (9 × 125) = 86175 / 1125 = 76.60 exactly → C
    (125, 3447, "76.60", "C"),
    # 25 × 68949 / (9 × 2500) = 1723725 / 22500 = 76.61 exactly → B
    (2500, 68949, "76.61", "B"),
    # 25 × 7947 / (9 × 250) = 198675 / 2250 = 88.30 exactly → B
    (250, 7947, "88.30", "B"),
    # 25 × 79479 / (9 × 2500) = 1986975 / 22500 = 88.31 exactly → A
    (2500, 79479, "88.31", "A"),
    # Rounding rule: 25 × 137889 / (9 × 5000) = 3447225 / 45000 = 76.605 → 76.61 (half-up) → B, as printed
    (5000, 137889, "76.61", "B"),
    # 25 × 11698 / (9 × 500) = 292450 / 4500 = 64.98888… → 64.99 → D
    (500, 11698, "64.99", "D"),
])
def test_mutu_boundaries_on_exact_answer_sets(n, total, converted, letter):
    index = ikm.compute(spread(total), n)
    assert index.converted == Decimal(converted)
    assert index.mutu == letter


@pytest.mark.parametrize("value, letter, kinerja", [
    ("25.00", "D", "Tidak Baik"), ("64.99", "D", "Tidak Baik"), ("65.00", "C", "Kurang Baik"),
    ("76.60", "C", "Kurang Baik"), ("76.61", "B", "Baik"), ("88.30", "B", "Baik"), ("88.31", "A", "Sangat Baik"),
    ("100.00", "A", "Sangat Baik"), ("64.994", "D", "Tidak Baik"), ("64.995", "C", "Kurang Baik"),
])
def test_mutu_intervals_of_the_regulation(value, letter, kinerja):
    assert ikm.mutu(value) == (letter, kinerja)


def test_no_respondents_gives_no_index():
    index = ikm.compute({}, 0)
    assert index.respondents == 0 and index.converted is None and index.mutu is None


@pytest.mark.parametrize("population, sample", [
    # The Krejcie–Morgan table as DOMAIN.md cites it, and other rows of the published table:
    (100, 80), (1000, 278), (10_000, 370), (100_000, 384), (1_000_000, 384),
    (50, 44), (200, 132), (500, 217), (75_000, 382),
])
def test_krejcie_morgan_sample_sizes(population, sample):
    # e.g. N = 100: 3.841 × 100 × 0.25 / (0.0025 × 99 + 3.841 × 0.25) = 96.025 / 1.20775 = 79.5 → 80
    assert ikm.krejcie_morgan(population) == sample
