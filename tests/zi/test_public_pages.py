"""Public ZI pages: the admin writes them in the back office; the public reads them escaped."""
from __future__ import annotations

from staff import csrf

MAKLUMAT = ("Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan "
            "yang telah ditetapkan.\n\nApabila tidak menepati janji ini, kami siap menerima sanksi <b>tegas</b>.")


def test_admin_publishes_the_maklumat_and_the_public_reads_it(client, as_role):
    assert client.get("/zona-integritas/maklumat-pelayanan").status_code == 404  # nothing written yet
    admin = as_role("admin")
    token = csrf(admin.get("/kantor/zi/halaman").get_data(as_text=True))
    response = admin.post("/kantor/zi/halaman", data={"csrf_token": token, "slug": "maklumat-pelayanan",
                                                      "body": MAKLUMAT})
    assert response.status_code == 303

    index = client.get("/zona-integritas").get_data(as_text=True)
    assert "Maklumat Pelayanan" in index and "Pakta Integritas" not in index  # only pages with text
    page = client.get("/zona-integritas/maklumat-pelayanan").get_data(as_text=True)
    assert "sanggup menyelenggarakan pelayanan" in page
    assert "<b>tegas</b>" not in page and "&lt;b&gt;tegas&lt;/b&gt;" in page
    assert "/zona-integritas" in client.get("/").get_data(as_text=True)


def test_only_the_admin_edits_public_pages(as_role):
    assert as_role("leader").get("/kantor/zi/halaman").status_code == 403
