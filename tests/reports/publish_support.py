"""Helpers of the publication tests: prepare, approve and send back through the real back-office
pages, with one signed-in client per role (real TOTP), and the public URLs of a report."""
from __future__ import annotations

import re

from staff import ROLE_EMAILS, csrf

FORM_PAGE = "/kantor/laporan"
PLAN = "Menambah petugas verifikasi di loket pengaduan dan memantau tenggat setiap minggu."


class Publisher:
    def __init__(self, app, as_role):
        self.app, self.as_role = app, as_role
        self.clients: dict[str, object] = {}

    def client(self, role: str):
        if role not in self.clients:
            self.clients[role] = self.as_role(role)
        return self.clients[role]

    def token(self, role: str, page: str = FORM_PAGE) -> str:
        return csrf(self.client(role).get(page).get_data(as_text=True))

    def prepare(self, channel: str, period: str, plan: str | None = PLAN, correction: str | None = None,
                role: str | None = None):
        client = self.client(role or channel)
        data = {"csrf_token": self.token(role or channel), "channel": channel, "period": period,
                "follow_up_plan": plan or "", "correction_note": correction or ""}
        return client.post(FORM_PAGE, data=data)

    def draft_id(self, response) -> int:
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        return int(re.search(r"/draf/(\d+)$", response.headers["Location"])[1])

    def approve(self, draft_id: int, role: str = "leader"):
        page = f"/kantor/laporan/draf/{draft_id}"
        return self.client(role).post(page + "/setujui", data={"csrf_token": self.token(role, page)})

    def send_back(self, draft_id: int, reason: str, role: str = "leader"):
        page = f"/kantor/laporan/draf/{draft_id}"
        return self.client(role).post(page + "/kembalikan", data={"csrf_token": self.token(role, page),
                                                                  "reason": reason})

    def resubmit(self, draft_id: int, plan: str, correction: str | None = None, role: str | None = None):
        page = f"/kantor/laporan/draf/{draft_id}"
        return self.client(role).post(page, data={"csrf_token": self.token(role, page), "follow_up_plan": plan,
                                                  "correction_note": correction or ""})

    def publish(self, channel: str, period: str, plan: str | None = PLAN, correction: str | None = None) -> int:
        """Prepare and approve; the id of the published report."""
        draft = self.draft_id(self.prepare(channel, period, plan, correction))
        response = self.approve(draft)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        return int(re.search(r"/laporan/(\d+)$", response.headers["Location"])[1])


def public_urls(report_id: int) -> list[str]:
    base = f"/laporan/{report_id}"
    return [base, base + ".csv", base + ".xlsx", base + ".pdf", f"/api/v1/reports/{report_id}"]


__all__ = ["Publisher", "PLAN", "ROLE_EMAILS", "public_urls"]
