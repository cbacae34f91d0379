"""Cases with known personal data, submitted through the channels' own services, and the public forms."""
from __future__ import annotations

from datetime import date

from portal.uploads import CleanFile
from staff import csrf

SITI = {"category": "ktp-el", "problem": "sistem", "privacy": "open", "incident_date": "2026-01-15",
        "description": "KTP-el saya sudah direkam di UPT Kec. Kramatwatu Januari, enam minggu belum dicetak.",
        "name": "Siti Aminah", "nik": "3604015203900001", "email": "siti@example.org", "phone": "0812 3456 7890",
        "address": "Jl. Kenari 7, Kramatwatu"}
BUDI = {"category": "ktp-el", "problem": "sistem", "privacy": "open", "incident_date": "2026-01-20",
        "description": "Antrean perekaman KTP-el di kecamatan Ciruas ditutup sebelum jam layanan berakhir.",
        "name": "Budi Santoso", "nik": "3604010101850002", "email": "budi.santoso@example.net",
        "phone": "0813 1111 2222", "address": "Kp. Sukamaju RT 02, Ciruas"}
RINA = {"action": "accepted", "reporter_name": "Rina Marlina", "reporter_nip": "198705122010012003",
        "reporter_position": "Pengadministrasi Kependudukan", "reporter_unit": "Bidang Pelayanan Pencatatan Sipil",
        "reporter_phone": "0812 9876 5432", "reporter_email": "rina@example.org", "giver_name": "Teman SMA Rina",
        "giver_relation": "lainnya", "item_type": "uang", "estimated_value": 1_200_000,
        "description": "Amplop hadiah pernikahan dari teman SMA yang tidak berurusan dengan kantor.",
        "received_on": "2026-02-07", "place_received": "Gedung resepsi, Serang", "occasion": "pernikahan-adat",
        "deposited_with_upg": False}
FILE_BYTES = b"\x89PNG fake scan of Siti's KTP for the privacy tests"


def submit_complaint(app, data: dict, files=()):
    from portal.complaints import services
    from portal.complaints.validation import ComplaintInput

    with app.test_request_context():  # the receipt mail builds links
        clean, errors = ComplaintInput.check(data, today=date(2026, 3, 1))
        assert errors == {}
        receipt = services.submit(clean, list(files))
        return receipt.ticket, receipt.access_code


def submit_gratification(app, data: dict):
    from portal.gratification import services
    from portal.gratification.validation import validate

    with app.test_request_context():
        clean, errors = validate(data, today=date(2026, 2, 20))
        assert errors == {}
        receipt = services.submit(clean, [], today=date(2026, 2, 20))
        return receipt.ticket, receipt.access_code


def scan_file(name: str = "ktp-siti.png") -> CleanFile:
    return CleanFile(original_name=name, content_type="image/png", data=FILE_BYTES, size=len(FILE_BYTES))


def post_form(client, page: str, action: str, data: dict):
    token = csrf(client.get(page).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data})
