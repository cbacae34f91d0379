"""Moved: access codes and one-time form keys live in portal/crypto/codes.py, the pepper in
portal/crypto/hashing.py. This module only re-exports them for the modules not yet switched over
(the merger rewrites their imports, then deletes this file)."""
from __future__ import annotations

from .crypto.codes import (ALPHABET, SUBMISSION_KEY_MAX, SUBMISSION_KEY_MIN, access_code_hash,  # noqa: F401
                           access_code_matches, new_access_code, new_submission_key, normalise_access_code,
                           open_with_submission_key, seal_with_submission_key, submission_key_hash,
                           valid_submission_key)
from .crypto.hashing import pepper  # noqa: F401

