"""TOTP second factor (pyotp): enrolment QR as inline SVG, codes never accepted twice."""
from __future__ import annotations

import io
import time

import pyotp

ISSUER = "Portal Integritas"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    import qrcode  # only the enrolment page draws a code: not loaded in every worker
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]  # drop the XML declaration: it is embedded in HTML


def matching_step(secret: str, code: str | None, last_step: int | None, at: float | None = None) -> int | None:
    """The time step a code belongs to (±1 step of clock drift), or None; never a used step."""
    if not code:
        return None
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    current = int(now // totp.interval)
    for step in (current, current - 1, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None
