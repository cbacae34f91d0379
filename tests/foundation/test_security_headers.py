"""Every page safe by default (SECURITY.md promise 9) and friendly error pages."""
from __future__ import annotations


def test_pages_carry_strict_headers(client):
    for path in ("/", "/pengaduan/baru", "/pengaduan/status", "/prosedur-pengaduan", "/privasi", "/api/v1/categories"):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        # The home page is public and the same for every visitor: kept by the browser, asked again
        # with its ETag (portal.pagecache); every other page here is never stored.
        assert response.headers["Cache-Control"] == ("no-cache" if path == "/" else "no-store"), path
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style_and_no_foreign_host(client):
    import re

    for path in ("/", "/pengaduan/baru", "/pengaduan/status", "/prosedur-pengaduan", "/privasi"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "<style" not in html, path
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not url.startswith(("http://", "https://", "//")) or "lapor.go.id" in url, (path, url)


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"


def test_friendly_404_and_405(client):
    missing = client.get("/tidak-ada")
    assert missing.status_code == 404
    assert "Halaman tidak ditemukan" in missing.get_data(as_text=True)
    wrong_method = client.delete("/pengaduan/baru")
    assert wrong_method.status_code == 405
    assert "Metode tidak diizinkan" in wrong_method.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    assert response.is_json


def test_oversized_form_post_gets_friendly_413(client):
    response = client.post("/pengaduan/baru", data=b"x" * (27 * 1024 * 1024),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)


def test_language_switch_to_english_and_back(client):
    response = client.get("/bahasa/en?next=/pengaduan/baru")
    assert response.status_code == 302 and response.headers["Location"] == "/pengaduan/baru"
    html = client.get("/pengaduan/baru").get_data(as_text=True)
    assert '<html lang="en">' in html and "File a complaint" in html
    client.get("/bahasa/id")
    assert "Sampaikan pengaduan" in client.get("/pengaduan/baru").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.get("/bahasa/en", query_string={"next": target})
        assert response.headers["Location"] == "/"


def test_unexpected_error_gives_friendly_500_without_traceback(app):
    from portal.auth.access import public

    @app.get("/_boom")
    @public  # a route that declares nothing is refused before it could fail
    def _boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Terjadi gangguan" in html and "secret internals" not in html
