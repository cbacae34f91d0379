"""A valid gratification report shared by the tests (importable: pytest puts this folder on sys.path)."""

# Sample 3: wedding gift of Rp1.200.000 from a school friend, received February 2026.
REPORT = {
    "action": "accepted",
    "reporter_name": "Rina Marlina",
    "reporter_nip": "198705122010012003",
    "reporter_position": "Pengadministrasi Kependudukan",
    "reporter_unit": "Bidang Pelayanan Pencatatan Sipil",
    "reporter_phone": "0812 3456 7890",
    "reporter_email": "rina@example.org",
    "giver_name": "Teman SMA",
    "giver_relation": "lainnya",
    "item_type": "uang",
    "description": "Amplop hadiah pernikahan dari teman SMA yang tidak berurusan dengan kantor.",
    "estimated_value": 1_200_000,
    "received_on": "2026-02-07",
    "place_received": "Gedung resepsi, Serang",
    "occasion": "pernikahan-adat",
    "deposited_with_upg": False,
}
