"""Tests for the WBS envelope encryption core (portal/crypto/envelope.py)."""
from __future__ import annotations

import io
import os

import pytest

from portal.crypto import envelope as env
from portal.crypto import tokens
from portal.crypto.envelope import (
    CHUNK_SIZE,
    PASSWORD_KDF,
    RECEIPT_KDF,
    DecryptionError,
    EncryptingWriter,
    KdfParams,
    decrypt,
    decrypt_stream,
    encrypt,
    format_receipt,
    generate_keypair,
    generate_recovery_key,
    key_id,
    new_data_key,
    new_receipt,
    normalise_receipt,
    open_sealed,
    parse_recovery_key,
    public_key,
    receipt_keys,
    seal,
    unwrap_for_session,
    unwrap_private_key,
    unwrap_with_key,
    wrap_for_session,
    wrap_private_key,
    wrap_with_key,
)

PEPPER = b"p" * 32
CHUNK_CT = CHUNK_SIZE + 16  # one full ciphertext chunk
STREAM_HEADER = 10


@pytest.fixture(scope="module")
def fast_kdf() -> KdfParams:
    # Real parameters take ~35-130 ms per derivation; tamper sweeps derive once per byte.
    return KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)


def flips(blob: bytes):
    """Every single-byte variant of blob (two bit patterns per position)."""
    for i in range(len(blob)):
        for mask in (0x01, 0x80):
            yield i, blob[:i] + bytes([blob[i] ^ mask]) + blob[i + 1 :]


def damaged(blob: bytes):
    """Bit flips plus truncation and extension."""
    yield from (b for _, b in flips(blob))
    yield blob[:-1]
    yield blob[: len(blob) // 2]
    yield b""
    yield blob + b"\x00"


# --------------------------------------------------------------------------- KDF params


def test_kdf_params_round_trip_and_bounds():
    for params in (PASSWORD_KDF, RECEIPT_KDF, KdfParams(1, 8, 1)):
        assert KdfParams.from_bytes(params.to_bytes()) == params
    with pytest.raises(ValueError):
        KdfParams(0, 8 * 1024, 1)
    with pytest.raises(ValueError):
        KdfParams(1, 4, 1)
    with pytest.raises(ValueError):
        KdfParams(1, 8 * 1024 * 1024 * 1024, 1)
    with pytest.raises(ValueError):
        KdfParams.from_bytes(b"\x00" * 3)


def test_chosen_parameters_are_strong_enough():
    assert PASSWORD_KDF.time_cost >= 3 and PASSWORD_KDF.memory_kib >= 64 * 1024
    # Receipt KDF must stay memory-hard (GPU resistance) while fitting the ~40 ms budget.
    assert RECEIPT_KDF.memory_kib >= 16 * 1024 and RECEIPT_KDF.time_cost >= 2


# --------------------------------------------------------------------------- key pairs


def test_generate_keypair_and_key_id():
    private, public = generate_keypair()
    assert len(private) == 32 and len(public) == 32
    assert public_key(private) == public
    kid = key_id(public)
    assert kid == key_id(public) and len(kid) == 16 and int(kid, 16) >= 0
    assert key_id(generate_keypair()[1]) != kid


def test_wrap_private_key_round_trip(fast_kdf):
    private, _ = generate_keypair()
    blob = wrap_private_key(private, "correct horse battery staple", fast_kdf)
    assert blob[0] == env.VERSION
    assert private not in blob
    assert unwrap_private_key(blob, "correct horse battery staple") == private
    # Fresh salt and nonce each time.
    assert wrap_private_key(private, "correct horse battery staple", fast_kdf) != blob


def test_wrap_private_key_default_params_are_password_kdf():
    private, _ = generate_keypair()
    blob = wrap_private_key(private, "pw")
    assert KdfParams.from_bytes(blob[2 : 2 + KdfParams.SIZE]) == PASSWORD_KDF
    assert unwrap_private_key(blob, "pw") == private


def test_unwrap_private_key_wrong_password(fast_kdf):
    private, _ = generate_keypair()
    blob = wrap_private_key(private, "secret one", fast_kdf)
    for wrong in ("secret two", "Secret one", "", "secret one "):
        with pytest.raises(DecryptionError):
            unwrap_private_key(blob, wrong)


def test_password_unicode_normalisation(fast_kdf):
    private, _ = generate_keypair()
    blob = wrap_private_key(private, "caf\u00e9", fast_kdf)  # precomposed é
    assert unwrap_private_key(blob, "cafe\u0301") == private  # e + combining acute


def test_wrap_private_key_rejects_empty_password(fast_kdf):
    with pytest.raises(ValueError):
        wrap_private_key(generate_keypair()[0], "", fast_kdf)


def test_wrapped_private_key_tamper_detected(fast_kdf):
    private, _ = generate_keypair()
    blob = wrap_private_key(private, "pw", fast_kdf)
    for bad in damaged(blob):
        with pytest.raises(DecryptionError):
            unwrap_private_key(bad, "pw")


def test_wrapped_private_key_binds_key_id(fast_kdf):
    a, _ = generate_keypair()
    _, pub_b = generate_keypair()
    blob = wrap_private_key(a, "pw", fast_kdf)
    start = 2 + KdfParams.SIZE + 16
    forged = blob[:start] + bytes.fromhex(key_id(pub_b)) + blob[start + 8 :]
    with pytest.raises(DecryptionError):
        unwrap_private_key(forged, "pw")


# --------------------------------------------------------------------------- sealed boxes


def test_seal_round_trip():
    private, public = generate_keypair()
    data_key = new_data_key()
    blob = seal(data_key, public, b"tip:42:datakey")
    assert data_key not in blob
    assert open_sealed(blob, private, b"tip:42:datakey") == data_key
    assert seal(data_key, public, b"tip:42:datakey") != blob  # fresh ephemeral key
    assert open_sealed(seal(b"", public), private) == b""


def test_sealed_box_not_openable_by_other_keypair():
    _, public = generate_keypair()
    other_private, _ = generate_keypair()
    blob = seal(b"secret", public)
    with pytest.raises(DecryptionError):
        open_sealed(blob, other_private)


def test_sealed_box_other_key_even_with_forged_key_id():
    _, public = generate_keypair()
    other_private, other_public = generate_keypair()
    blob = seal(b"secret", public)
    forged = blob[:2] + bytes.fromhex(key_id(other_public)) + blob[10:]
    with pytest.raises(DecryptionError):
        open_sealed(forged, other_private)


def test_sealed_box_aad_mismatch():
    private, public = generate_keypair()
    blob = seal(b"secret", public, b"tip:1:datakey")
    with pytest.raises(DecryptionError):
        open_sealed(blob, private, b"tip:2:datakey")


def test_sealed_box_tamper_detected():
    private, public = generate_keypair()
    blob = seal(b"the data key....................", public, b"aad")
    for bad in damaged(blob):
        with pytest.raises(DecryptionError):
            open_sealed(bad, private, b"aad")


def test_seal_rejects_low_order_public_key():
    with pytest.raises(ValueError):
        seal(b"x", bytes(32))


# --------------------------------------------------------------------------- data keys, fields


def test_encrypt_decrypt_round_trip():
    key = new_data_key()
    assert len(key) == 32 and key != new_data_key()
    blob = encrypt(key, "Kepala seksi minta uang".encode(), b"tip:42:what")
    assert b"uang" not in blob
    assert decrypt(key, blob, b"tip:42:what") == "Kepala seksi minta uang".encode()
    assert encrypt(key, b"same", b"a") != encrypt(key, b"same", b"a")


def test_decrypt_wrong_key_or_aad():
    key = new_data_key()
    blob = encrypt(key, b"hello", b"tip:42:what")
    with pytest.raises(DecryptionError):
        decrypt(new_data_key(), blob, b"tip:42:what")
    with pytest.raises(DecryptionError):
        decrypt(key, blob, b"tip:43:what")  # moved to another tip
    with pytest.raises(DecryptionError):
        decrypt(key, blob, b"tip:42:where")  # moved to another field


def test_encrypted_field_tamper_detected():
    key = new_data_key()
    blob = encrypt(key, b"some field text", b"tip:1:what")
    for bad in damaged(blob):
        with pytest.raises(DecryptionError):
            decrypt(key, bad, b"tip:1:what")


def test_wrap_with_key_round_trip_and_tamper():
    key, data_key = new_data_key(), new_data_key()
    blob = wrap_with_key(key, data_key, b"tip:7:receipt")
    assert unwrap_with_key(key, blob, b"tip:7:receipt") == data_key
    for bad in damaged(blob):
        with pytest.raises(DecryptionError):
            unwrap_with_key(key, bad, b"tip:7:receipt")
    with pytest.raises(DecryptionError):
        unwrap_with_key(new_data_key(), blob, b"tip:7:receipt")


def test_blob_kinds_are_not_interchangeable():
    key = new_data_key()
    with pytest.raises(DecryptionError):
        unwrap_with_key(key, encrypt(key, b"x", b"a"), b"a")
    with pytest.raises(DecryptionError):
        decrypt(key, wrap_with_key(key, b"x", b"a"), b"a")


def test_wrong_key_length_is_a_programming_error():
    with pytest.raises(ValueError):
        encrypt(b"short", b"x", b"")


# --------------------------------------------------------------------------- streaming files


def encrypt_file(key: bytes, data: bytes, aad: bytes, write_size: int = 10_000) -> bytes:
    out = io.BytesIO()
    with EncryptingWriter(out, key, aad) as writer:
        for i in range(0, len(data), write_size):
            writer.write(data[i : i + write_size])
    return out.getvalue()


def decrypt_file(key: bytes, blob: bytes, aad: bytes) -> bytes:
    return b"".join(decrypt_stream(key, io.BytesIO(blob), aad))


@pytest.fixture
def file_200k():
    return os.urandom(200 * 1024)


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 200 * 1024])
@pytest.mark.parametrize("write_size", [1000, CHUNK_SIZE, 300_000])
def test_stream_round_trip(size, write_size):
    key, data = new_data_key(), os.urandom(size)
    blob = encrypt_file(key, data, b"tip:5:file:1", write_size)
    assert decrypt_file(key, blob, b"tip:5:file:1") == data
    full_chunks = max(0, (size - 1) // CHUNK_SIZE)
    assert len(blob) == STREAM_HEADER + size + 16 * (full_chunks + 1)


def test_stream_multi_chunk_yields_chunks(file_200k):
    key = new_data_key()
    blob = encrypt_file(key, file_200k, b"a")
    chunks = list(decrypt_stream(key, io.BytesIO(blob), b"a"))
    assert [len(c) for c in chunks] == [CHUNK_SIZE] * 3 + [200 * 1024 - 3 * CHUNK_SIZE]
    assert b"".join(chunks) == file_200k
    assert file_200k[:64] not in blob


def test_stream_writer_counts_and_refuses_write_after_close():
    out = io.BytesIO()
    writer = EncryptingWriter(out, new_data_key())
    writer.write(b"abc")
    writer.close()
    writer.close()  # idempotent
    assert writer.plaintext_size == 3 and writer.closed
    with pytest.raises(ValueError):
        writer.write(b"more")


def test_stream_truncated_at_chunk_boundary(file_200k):
    key = new_data_key()
    blob = encrypt_file(key, file_200k, b"a")
    for n in (1, 2):
        with pytest.raises(DecryptionError):
            decrypt_file(key, blob[: STREAM_HEADER + n * CHUNK_CT], b"a")
    with pytest.raises(DecryptionError):
        decrypt_file(key, blob[:STREAM_HEADER], b"a")
    with pytest.raises(DecryptionError):
        decrypt_file(key, blob[: STREAM_HEADER - 1], b"a")


def test_stream_dropping_final_chunk(file_200k):
    key = new_data_key()
    blob = encrypt_file(key, file_200k, b"a")
    assert len(blob) > STREAM_HEADER + 3 * CHUNK_CT
    with pytest.raises(DecryptionError):
        decrypt_file(key, blob[: STREAM_HEADER + 3 * CHUNK_CT], b"a")
    # Exact multiple of CHUNK_SIZE: the last full chunk is the final one; dropping it is caught too.
    data = os.urandom(2 * CHUNK_SIZE)
    blob = encrypt_file(key, data, b"a")
    with pytest.raises(DecryptionError):
        decrypt_file(key, blob[: STREAM_HEADER + CHUNK_CT], b"a")


def test_stream_truncated_mid_chunk(file_200k):
    key = new_data_key()
    blob = encrypt_file(key, file_200k, b"a")
    for cut in (STREAM_HEADER + 5, STREAM_HEADER + CHUNK_CT + 100, len(blob) - 1):
        with pytest.raises(DecryptionError):
            decrypt_file(key, blob[:cut], b"a")


def test_stream_swapped_chunks(file_200k):
    key = new_data_key()
    blob = encrypt_file(key, file_200k, b"a")
    c = [blob[STREAM_HEADER + i * CHUNK_CT : STREAM_HEADER + (i + 1) * CHUNK_CT] for i in range(3)]
    rest = blob[STREAM_HEADER + 3 * CHUNK_CT :]
    swapped = blob[:STREAM_HEADER] + c[1] + c[0] + c[2] + rest
    with pytest.raises(DecryptionError):
        decrypt_file(key, swapped, b"a")


def test_stream_chunk_from_another_file(file_200k):
    key = new_data_key()  # same tip, same data key, same aad: only the file differs
    blob = encrypt_file(key, file_200k, b"a")
    other = encrypt_file(key, os.urandom(len(file_200k)), b"a")
    start = STREAM_HEADER + CHUNK_CT
    mixed = blob[:start] + other[start : start + CHUNK_CT] + blob[start + CHUNK_CT :]
    with pytest.raises(DecryptionError):
        decrypt_file(key, mixed, b"a")
    # The other file's header with this file's chunks fails too.
    with pytest.raises(DecryptionError):
        decrypt_file(key, other[:STREAM_HEADER] + blob[STREAM_HEADER:], b"a")


def test_stream_appended_data_detected(file_200k):
    key = new_data_key()
    for data in (file_200k, os.urandom(2 * CHUNK_SIZE)):
        blob = encrypt_file(key, data, b"a")
        other = encrypt_file(key, os.urandom(CHUNK_SIZE * 2), b"a")
        for tail in (b"\x00", other[STREAM_HEADER + CHUNK_CT :], other[STREAM_HEADER : STREAM_HEADER + CHUNK_CT]):
            with pytest.raises(DecryptionError):
                decrypt_file(key, blob + tail, b"a")


def test_stream_aad_mismatch_and_wrong_key(file_200k):
    key = new_data_key()
    blob = encrypt_file(key, file_200k, b"tip:5:file:1")
    with pytest.raises(DecryptionError):
        decrypt_file(key, blob, b"tip:5:file:2")
    with pytest.raises(DecryptionError):
        decrypt_file(new_data_key(), blob, b"tip:5:file:1")


def test_stream_any_byte_flip_detected():
    key = new_data_key()
    blob = encrypt_file(key, os.urandom(CHUNK_SIZE + 100), b"a")
    # Header, both chunk boundaries and tags, and a sample of the body.
    positions = set(range(0, 40)) | set(range(STREAM_HEADER + CHUNK_CT - 20, STREAM_HEADER + CHUNK_CT + 20))
    positions |= set(range(len(blob) - 20, len(blob))) | set(range(0, len(blob), 997))
    for i in sorted(positions):
        bad = blob[:i] + bytes([blob[i] ^ 0x01]) + blob[i + 1 :]
        with pytest.raises(DecryptionError):
            decrypt_file(key, bad, b"a")


def test_stream_not_finalised_on_exception():
    key, out = new_data_key(), io.BytesIO()
    with pytest.raises(RuntimeError):
        with EncryptingWriter(out, key, b"a") as writer:
            writer.write(os.urandom(1000))
            raise RuntimeError("upload aborted")
    with pytest.raises(DecryptionError):
        decrypt_file(key, out.getvalue(), b"a")


class TrickleReader(io.RawIOBase):
    """A source that returns at most 7 bytes per read(), like a slow socket."""

    def __init__(self, data: bytes):
        self._src = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        return self._src.read(min(n, 7) if n >= 0 else 7)


def test_stream_short_reads_are_not_truncation():
    key, data = new_data_key(), os.urandom(CHUNK_SIZE + 5)
    blob = encrypt_file(key, data, b"a")
    assert b"".join(decrypt_stream(key, TrickleReader(blob), b"a")) == data


# --------------------------------------------------------------------------- receipts


def test_new_receipt_is_16_digits():
    receipts = {new_receipt() for _ in range(200)}
    assert len(receipts) == 200
    for r in receipts:
        assert len(r) == 16 and set(r) <= set("0123456789")


def test_new_receipt_keeps_leading_zeros(monkeypatch):
    monkeypatch.setattr(tokens.secrets, "randbelow", lambda n: 42)
    assert new_receipt() == "0000000000000042"


def test_format_and_normalise_receipt():
    assert format_receipt("1234567890123456") == "1234 5678 9012 3456"
    assert format_receipt("0000000000000042") == "0000 0000 0000 0042"
    for typed in ("1234 5678 9012 3456", "1234-5678-9012-3456", " 1234567890123456\n", "1234\u00a05678 9012\u20133456"):
        assert normalise_receipt(typed) == "1234567890123456"
    assert normalise_receipt(format_receipt("0012345678901234")) == "0012345678901234"
    arabic_indic = "\u0661\u0662\u0663\u0664" * 4  # str.isdigit() is True for these
    bad_inputs = (
        "123456789012345", "12345678901234567", "1234 5678 9012 345x", "",
        arabic_indic, None, 1234567890123456, "1" * 1000,
    )
    for bad in bad_inputs:
        assert normalise_receipt(bad) is None
    with pytest.raises(ValueError):
        format_receipt("123")


def test_receipt_keys_properties(fast_kdf):
    lookup, wrap = receipt_keys("1234567890123456", PEPPER, fast_kdf)
    assert len(lookup) == 32 and len(wrap) == 32 and lookup != wrap
    assert receipt_keys("1234 5678 9012 3456", PEPPER, fast_kdf) == (lookup, wrap)
    other_lookup, other_wrap = receipt_keys("1234567890123457", PEPPER, fast_kdf)
    assert other_lookup != lookup and other_wrap != wrap
    assert receipt_keys("1234567890123456", b"q" * 32, fast_kdf)[0] != lookup
    assert receipt_keys("1234567890123456", PEPPER, KdfParams(2, 8 * 1024, 1))[0] != lookup


def test_receipt_keys_distinct_over_many_receipts(fast_kdf):
    lookups = {receipt_keys(new_receipt(), PEPPER, fast_kdf)[0] for _ in range(30)}
    assert len(lookups) == 30


def test_receipt_keys_reject_bad_input(fast_kdf):
    with pytest.raises(ValueError):
        receipt_keys("12345", PEPPER, fast_kdf)
    with pytest.raises(ValueError):
        receipt_keys("1234567890123456", b"short", fast_kdf)


def test_receipt_keys_real_params_and_whistleblower_wrap():
    receipt = new_receipt()
    lookup, wrap = receipt_keys(receipt, PEPPER)
    assert receipt_keys(format_receipt(receipt), PEPPER, RECEIPT_KDF) == (lookup, wrap)
    data_key = new_data_key()
    blob = wrap_with_key(wrap, data_key, b"tip:9:receipt")
    assert receipt.encode() not in blob and lookup not in blob
    assert unwrap_with_key(receipt_keys(receipt, PEPPER)[1], blob, b"tip:9:receipt") == data_key


# --------------------------------------------------------------------------- recovery key


def test_recovery_key_round_trip():
    printable, public = generate_recovery_key()
    groups = printable.split("-")
    assert len(groups) == 16 and all(len(g) == 4 for g in groups)
    private = parse_recovery_key(printable)
    assert public_key(private) == public
    # Forgiving about case, spacing and separators.
    assert parse_recovery_key(printable.lower().replace("-", " ")) == private
    assert parse_recovery_key(printable.replace("-", "")) == private
    # A data key sealed for the organisation opens with the printed key.
    assert open_sealed(seal(b"dk", public), private) == b"dk"


def test_recovery_key_confusable_characters():
    # Keys are random: draw until one has an "O" (each group of 64 characters almost always does).
    while True:
        printable, public = generate_recovery_key()
        if "O" in printable:
            break
    assert public_key(parse_recovery_key(printable.replace("O", "0"))) == public


def test_recovery_key_one_character_typo_rejected():
    printable, _ = generate_recovery_key()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    for i, ch in enumerate(printable):
        if ch == "-":
            continue
        typo = alphabet[(alphabet.index(ch) + 1) % 32]
        with pytest.raises(ValueError, match="mistyped"):
            parse_recovery_key(printable[:i] + typo + printable[i + 1 :])


def test_recovery_key_clear_errors():
    printable, _ = generate_recovery_key()
    with pytest.raises(ValueError, match="expected 64"):
        parse_recovery_key(printable[:-1])
    with pytest.raises(ValueError, match="expected 64"):
        parse_recovery_key(printable + "A")
    with pytest.raises(ValueError, match="invalid character at position 3"):
        parse_recovery_key("AB*" + printable[3:])
    with pytest.raises(ValueError):
        parse_recovery_key(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- sessions


def test_session_wrap_round_trip():
    private, _ = generate_keypair()
    secret, blob = wrap_for_session(private)
    assert len(secret) == 32 and private not in blob and secret not in blob
    assert unwrap_for_session(secret, blob) == private
    secret2, blob2 = wrap_for_session(private)
    assert secret2 != secret and blob2 != blob


def test_session_wrong_secret_fails():
    private, _ = generate_keypair()
    secret, blob = wrap_for_session(private)
    _, other_blob = wrap_for_session(private)
    for wrong in (os.urandom(32), secret[:-1], b"", secret + b"\x00"):
        with pytest.raises(DecryptionError):
            unwrap_for_session(wrong, blob)
    with pytest.raises(DecryptionError):
        unwrap_for_session(secret, other_blob)  # a cookie only opens its own session blob


def test_session_blob_tamper_and_aad():
    private, _ = generate_keypair()
    secret, blob = wrap_for_session(private, aad=b"handler:3")
    assert unwrap_for_session(secret, blob, aad=b"handler:3") == private
    with pytest.raises(DecryptionError):
        unwrap_for_session(secret, blob, aad=b"handler:4")
    for bad in damaged(blob):
        with pytest.raises(DecryptionError):
            unwrap_for_session(secret, bad, aad=b"handler:3")
