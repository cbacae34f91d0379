"""The installed Argon2 derives what every other build of it derives.

The Makefile rebuilds argon2-cffi-bindings for the serving CPU (deploy/argon2_native.py: AVX2/AVX-512
instead of the wheel's SSE2). A build that derived anything else would strand every tip filed before
it: the receipt would no longer find its lookup id nor unwrap its data key. The expected values below
were computed by Argon2's portable reference code (ref.c), the SSE2 wheel, and the AVX2 and AVX-512
builds, which agree; RFC 9106 publishes the last one.
"""
from __future__ import annotations

from argon2.low_level import ARGON2_VERSION, Type, core, ffi, lib

from portal.crypto import kdf
from portal.crypto.envelope import RECEIPT_KDF, receipt_keys


def test_the_receipt_derivation_at_production_cost_gives_the_reference_output():
    out = RECEIPT_KDF.derive(b"portal-wbs-receipt-v1\x000123456789012345", bytes(range(32)))
    assert out.hex() == "8437016f1f10cfdb835f5107ad5fafc188e4c13bf0f9882906fdbbe90ec7805a"
    assert kdf.matches_reference()  # what deploy/argon2_native.py checks before keeping a build


def test_a_receipt_typed_with_spaces_finds_the_lookup_id_and_wrap_key_it_was_filed_under():
    lookup_id, wrap_key = receipt_keys("0123 4567 8901 2345", bytes(range(32)), RECEIPT_KDF)
    assert lookup_id.hex() == "54cb4bd8e43efbde408010b7872f33970002c674dd536fbfb6c8c0cf3f543554"
    assert wrap_key.hex() == "5323973c6cfb0bb034e71f624981bf29bd2230650b9b4e2acb6121a523f2e074"


def test_argon2id_gives_the_rfc_9106_test_vector():
    """RFC 9106 section 5.3: t=3, m=32 KiB, four lanes, with a secret and associated data."""
    inputs = {"pwd": b"\x01" * 32, "salt": b"\x02" * 16, "secret": b"\x03" * 8, "ad": b"\x04" * 12}
    buffers = {name: ffi.new("uint8_t[]", value) for name, value in inputs.items()}
    out = ffi.new("uint8_t[]", 32)
    ctx = ffi.new("argon2_context *", {
        "out": out, "outlen": 32, "version": ARGON2_VERSION, "t_cost": 3, "m_cost": 32, "lanes": 4, "threads": 4,
        "allocate_cbk": ffi.NULL, "free_cbk": ffi.NULL, "flags": lib.ARGON2_DEFAULT_FLAGS,
        **{name: buffers[name] for name in inputs}, **{f"{name}len": len(value) for name, value in inputs.items()}})
    assert core(ctx, Type.ID.value) == lib.ARGON2_OK
    assert bytes(ffi.buffer(out, 32)).hex() == "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
