"""The portal as it was before issue 20's lazy imports: Pillow, pypdf (with fontTools) and qrcode
loaded by every worker at start (bench/public_cache.py compares its RSS with wsgi's)."""
import PIL.Image  # noqa: F401
import PIL.ImageCms  # noqa: F401
import pypdf  # noqa: F401
import pypdf.generic  # noqa: F401
import qrcode.image.svg  # noqa: F401

from wsgi import app  # noqa: F401,E402
