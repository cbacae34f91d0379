"""Handler sessions across workers: two app instances sharing the database and instance/ (two
gunicorn workers, or a restart) — a handler signed in on one reads on the other with the same
cookie; after logout the cookie opens nothing anywhere."""
from __future__ import annotations

from portal import create_app
from portal.extensions import db
from wbs_helpers import HANDLER_A, TIP, form_post, submit_api, tip_id_for
from wbs_helpers import team  # noqa: F401  (fixture)

COOKIE = "portal_session"


def _second_worker(app):
    keep = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "MAIL_SERVER", "MAIL_PORT", "PORTAL_BASE_URL", "RATELIMIT_LOGIN")
    return create_app({"PORTAL_ENV": "testing", "instance_path": app.instance_path,
                       **{k: app.config[k] for k in keep}})


def test_session_key_works_on_another_worker_and_dies_at_logout(app, team):
    tip_id = tip_id_for(app, submit_api(app.test_client()))
    first = team.login(HANDLER_A)
    assert TIP["who"] in first.get(f"/kantor/wbs/{tip_id}").get_data(as_text=True)

    worker2 = _second_worker(app)
    try:
        second = worker2.test_client()
        second.set_cookie(COOKIE, first.get_cookie(COOKIE).value)
        page = second.get(f"/kantor/wbs/{tip_id}")
        assert page.status_code == 200 and TIP["who"] in page.get_data(as_text=True)

        # Logout on worker 1 deletes the session row and with it the key blob.
        assert form_post(first, "/kantor/akun/sandi", "/kantor/keluar", {}).status_code == 302
        after = second.get(f"/kantor/wbs/{tip_id}")
        assert after.status_code == 302 and "/kantor/masuk" in after.headers["Location"]
    finally:
        with worker2.app_context():
            db.session.remove()
            db.engine.dispose()


def test_idle_expiry_destroys_the_key_blob(app, team):
    from datetime import timedelta

    from sqlalchemy import func, select, update

    from portal.models import UserSession
    from portal.models.types import utcnow

    tip_id = tip_id_for(app, submit_api(app.test_client()))
    client = team.login(HANDLER_A)
    uid = team.user_id(HANDLER_A)
    with app.app_context():
        token = client.get_cookie(COOKIE).value
        ids = db.session.scalars(select(UserSession.id).where(UserSession.user_id == uid)).all()
        assert db.session.scalar(select(func.count()).select_from(UserSession).where(
            UserSession.user_id == uid, UserSession.key_blob.is_not(None))) == len(ids) == 2
        db.session.execute(update(UserSession).where(UserSession.user_id == uid)
                           .values(last_seen=utcnow() - timedelta(hours=2)))
        db.session.commit()
    assert client.get(f"/kantor/wbs/{tip_id}").status_code == 302  # idle: the row is deleted on use
    with app.app_context():
        assert len(db.session.scalars(select(UserSession.id).where(UserSession.user_id == uid)).all()) == 1
    # The other abandoned session (browser closed without logout) loses its blob at the next sweep
    # (any handler sign-in, or the retention cron).
    assert app.test_cli_runner().invoke(args=["wbs", "purge"]).exit_code == 0
    with app.app_context():
        assert db.session.scalars(select(UserSession.key_blob).where(UserSession.user_id == uid)).all() == [None]
    assert token
