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


def pdf_page_bomb(pages: int, *, shared_page: bool = False, declared: int | None = None) -> bytes:
    """A syntactically valid PDF whose page tree holds `pages` pages, written by hand in a few ms.

    With `shared_page` every /Kids entry is the same page object (a ~300 KB file for 48,000 pages);
    otherwise each page is its own object (~5 MB for 48,000, like the attack run's files).
    `declared` puts another number in the root's /Count (a lying page count).
    """
    import io

    out = io.BytesIO()
    offsets: dict[int, int] = {}
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def obj(num: int, body: bytes) -> None:
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    count = pages if declared is None else declared
    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    if shared_page:
        kids = b" ".join([b"3 0 R"] * pages)
        last = 3
    else:
        kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
        last = 2 + pages
    obj(2, b"<< /Type /Pages /Count %d /Kids [" % count + kids + b"] >>")
    for num in range(3, last + 1):
        obj(num, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (last + 1))
    for num in range(1, last + 1):
        out.write(b"%010d 00000 n \n" % offsets[num])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (last + 1, xref))
    return out.getvalue()
