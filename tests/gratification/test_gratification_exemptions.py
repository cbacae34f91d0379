"""Exemption hints on both sides of 14 January 2026 (Perkom 2/2019 → PerKPK 1/2026): a hint, never a refusal."""
from __future__ import annotations

from datetime import date

import pytest

from portal.gratification.exemptions import PERKOM_2_2019, PERKPK_1_2026, exemption_hint, version_on
from portal.gratification.services import hint_for


def code(item, relation, occasion, value, received):
    hint = exemption_hint(item, relation, occasion, value, received)
    return hint.code if hint else None


def test_the_regulation_follows_the_date_of_receipt():
    assert version_on(date(2026, 1, 13)) is PERKOM_2_2019
    assert version_on(date(2026, 1, 14)) is PERKPK_1_2026
    assert version_on(date(2020, 6, 1)) is PERKOM_2_2019


def test_sample_3_wedding_gift_from_a_school_friend():
    # Rp1.200.000 in February 2026 is under the new Rp1.500.000 limit: not required.
    assert code("uang", "lainnya", "pernikahan-adat", 1_200_000, date(2026, 2, 7)) == "pernikahan-adat"
    # The same gift in December 2025 is over the old Rp1.000.000 limit: must be reported.
    assert code("uang", "lainnya", "pernikahan-adat", 1_200_000, date(2025, 12, 6)) is None


@pytest.mark.parametrize("value, received, expected", [
    (1_500_000, date(2026, 1, 14), "pernikahan-adat"),   # first day of PerKPK 1/2026, at the limit
    (1_500_001, date(2026, 1, 14), None),
    (1_500_000, date(2026, 1, 13), None),                # last day of Perkom 2/2019
    (1_000_000, date(2026, 1, 13), "pernikahan-adat"),
    (1_000_001, date(2026, 1, 13), None),
])
def test_wedding_limit_edges_around_14_january_2026(value, received, expected):
    assert code("barang", "lainnya", "pernikahan-adat", value, received) == expected
    # From someone who uses the office's services a conflict of interest is presumed: never a hint.
    assert code("barang", "pengguna-layanan", "pernikahan-adat", value, received) is None


def test_sample_7_watch_from_a_colleague_leaving_on_transfer():
    # After 14-01-2026: co-worker, not money, ≤ Rp500.000 → not required.
    assert code("barang", "rekan-kerja", "pisah-sambut", 450_000, date(2026, 3, 2)) == "rekan-kerja"
    # Before: over both the Rp300.000 pisah-sambut item and the Rp200.000 co-worker item.
    assert code("barang", "rekan-kerja", "pisah-sambut", 450_000, date(2025, 11, 3)) is None


def test_the_pisah_sambut_item_existed_only_before_14_january_2026():
    assert code("barang", "rekan-kerja", "pisah-sambut", 300_000, date(2026, 1, 13)) == "pisah-sambut"
    assert code("barang", "rekan-kerja", "ulang-tahun", 250_000, date(2025, 8, 1)) == "pisah-sambut"
    # From 14-01-2026 the same gift is covered by the (raised) general co-worker item instead.
    assert code("barang", "rekan-kerja", "pisah-sambut", 300_000, date(2026, 1, 14)) == "rekan-kerja"
    assert code("barang", "rekan-kerja", "lainnya", 200_000, date(2025, 8, 1)) == "rekan-kerja"
    assert code("barang", "rekan-kerja", "lainnya", 250_000, date(2025, 8, 1)) is None


@pytest.mark.parametrize("item, relation, occasion, value", [
    ("uang", "rekan-kerja", "pisah-sambut", 100_000),       # money from a colleague: always report
    ("voucher", "rekan-kerja", "ulang-tahun", 100_000),     # a voucher is "alat tukar"
    ("barang", "rekan-kerja", "kedinasan", 100_000),        # linked to official duty
    ("parsel", "pengguna-layanan", "hari-raya", 750_000),   # sample 1: Lebaran parcel from a bureau
    ("voucher", "rekanan", "kedinasan", 1_000_000),         # sample 4: vendor voucher
    ("uang", "pengguna-layanan", "kedinasan", 5_000_000),   # sample 8
    ("barang", "lainnya", "pernikahan-adat", None),         # value unknown: no guess
])
def test_no_hint_where_the_gift_must_be_reported(item, relation, occasion, value):
    assert code(item, relation, occasion, value, date(2026, 3, 2)) is None
    assert code(item, relation, occasion, value, date(2025, 3, 2)) is None


def test_family_gifts_and_flowers_have_no_value_limit_but_need_every_other_condition():
    assert code("uang", "keluarga", "lainnya", 50_000_000, date(2026, 3, 2)) == "keluarga"
    assert code("karangan-bunga", "lainnya", "pernikahan-adat", None, date(2025, 3, 2)) == "karangan-bunga"
    # Rp50.000.000 cash from family at an official occasion: related to the position, no hint.
    assert code("uang", "keluarga", "kedinasan", 50_000_000, date(2026, 3, 2)) is None
    # Flowers from a vendor: a conflict of interest is presumed.
    assert code("karangan-bunga", "rekanan", "pernikahan-adat", None, date(2025, 3, 2)) is None
    # The reporter says there is a conflict of interest: no exemption holds.
    assert exemption_hint("uang", "keluarga", "lainnya", 5_000_000, date(2026, 3, 2), conflict_of_interest=True) is None


def test_a_refusal_gets_no_hint():
    values = {"action": "refused", "item_type": "uang", "giver_relation": "lainnya", "occasion": "pernikahan-adat",
              "estimated_value": 500_000, "received_on": date(2026, 2, 7)}
    assert hint_for(values) is None
    assert hint_for(dict(values, action="accepted")).code == "pernikahan-adat"


def test_hint_text_names_the_rule_the_limit_and_that_the_upg_decides(app):
    with app.test_request_context():
        hint = exemption_hint("barang", "lainnya", "pernikahan-adat", 1_200_000, date(2026, 2, 7))
        text = hint.message
    assert "Peraturan KPK No. 1 Tahun 2026" in text and "Rp1.500.000" in text and "Rp1.200.000" in text
    assert "benturan kepentingan" in text  # the condition every exemption carries
    assert "UPG yang menilai" in text and "tetap dicatat" in text


def test_api_answers_with_the_hint_on_both_sides_of_the_change(client, today, report_data):
    today(date(2026, 3, 2))
    after = client.post("/api/v1/gratifications", json=report_data).get_json()
    before = client.post("/api/v1/gratifications", json=dict(report_data, received_on="2025-12-06")).get_json()
    assert after["exemption_hint"] and "Rp1.500.000" in after["exemption_hint"]
    assert before["exemption_hint"] is None
    # A hint never stops the report: both are stored with a ticket.
    assert after["ticket"] != before["ticket"] and after["status"] == before["status"] == "reported"


def test_campaign_page_shows_the_limits_of_both_regulations(client):
    html = client.get("/gratifikasi").get_data(as_text=True)
    for text in ("Rp1.000.000", "Rp1.500.000", "Rp200.000", "Rp500.000", "Rp300.000",
                 "Peraturan KPK No. 2 Tahun 2019", "Peraturan KPK No. 1 Tahun 2026", "14 Januari 2026",
                 "Tidak berlaku lagi"):
        assert text in html, text


# --------------------------------------------------------------------------- every condition, from the register (issue 13)

def _hint(client, report_data, **changes):
    response = client.post("/api/v1/gratifications", json=dict(report_data, **changes))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["exemption_hint"]


def test_fifty_million_cash_from_family_at_an_official_occasion_gets_no_hint(client, today, report_data):
    today(date(2026, 11, 29))
    assert _hint(client, report_data, item_type="uang", giver_relation="keluarga", occasion="kedinasan",
                 estimated_value=50_000_000, received_on="2026-11-20", giver_name="Paman") is None


def test_sample_7_yearly_sum_per_giver_comes_from_the_reporters_register(client, today, report_data):
    """DOMAIN.md sample 7: a Rp450.000 watch from a colleague is exempt under PerKPK 1/2026 (≤ Rp500.000
    per gift, not money) — as long as the same colleague's gifts to this reporter stay ≤ Rp1.500.000
    in the year."""
    today(date(2026, 11, 29))
    watch = dict(item_type="barang", giver_relation="rekan-kerja", occasion="pisah-sambut",
                 estimated_value=450_000, giver_name="Sdr. Darto (Bidang Dafduk)")
    # Running sum of this reporter's gifts from Darto in 2026: 450.000, 900.000, 1.350.000 — all within 1.500.000.
    for received in ("2026-03-02", "2026-06-15", "2026-09-01"):
        assert "Rp500.000" in _hint(client, report_data, received_on=received, **watch)
    # The fourth: 1.350.000 + 450.000 = 1.800.000 > 1.500.000 — must be reported, no hint.
    assert _hint(client, report_data, received_on="2026-11-02", **watch) is None
    # Another reporter (another NIP) has nothing from Darto yet: 450.000, exempt.
    assert _hint(client, report_data, received_on="2026-11-02", reporter_nip="199001012015022345",
                 reporter_name="Maryati Simanjuntak", **watch) is not None
    # Another giver for the first reporter: a sum of its own.
    assert _hint(client, report_data, received_on="2026-11-02", **dict(watch, giver_name="Ibu Ratna")) is not None


def test_sample_3_wedding_gift_through_the_form_of_each_regulation(client, today, report_data):
    """DOMAIN.md sample 3: Rp1.200.000 wedding gift from a school friend, no interest in the office:
    February 2026 under PerKPK 1/2026's Rp1.500.000 — exempt; December 2025 over Perkom 2/2019's
    Rp1.000.000 — must be reported. The same gift from a service user: no hint (conflict presumed)."""
    today(date(2026, 2, 20))
    assert "Rp1.500.000" in _hint(client, report_data, received_on="2026-02-07")
    assert _hint(client, report_data, received_on="2025-12-06") is None
    assert _hint(client, report_data, received_on="2026-02-07", giver_relation="pengguna-layanan") is None
