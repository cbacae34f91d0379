"""Sample inputs shared by tests (DOMAIN.md §6 inspired); importable because tests/ is on sys.path."""

COMPLAINT = {
    "category": "ktp-el",
    "problem": "sistem",
    "description": "KTP-el sudah direkam di UPT Kec. Kramatwatu Januari, 6 minggu belum dicetak.",
    "privacy": "open",
    "name": "Siti Aminah",
    "nik": "3604015203900001",
    "email": "siti@example.org",
    "phone": "0812 3456 7890",
    "incident_date": "2026-01-15",
}
