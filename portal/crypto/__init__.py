"""All of the portal's cryptography, one home per primitive (see docs/security.md).

- aead.py      AES-256-GCM with random nonces and the versioned blob frame (kind letters listed there)
- kdf.py       Argon2id key derivation (KdfParams), HKDF, the configured test/production costs
- hashing.py   SHA-256, HMAC, the instance pepper and peppered hashes, constant-time comparison
- tokens.py    every random token, code and key the portal hands out
- passwords.py Argon2id password hashes for sign-in (argon2-cffi)
- codes.py     citizens' access codes, recovery codes, one-time form (submission) keys
- keypairs.py  X25519 key pairs, key ids, password-wrapped private keys, sealed boxes
- signing.py   Ed25519 signatures (keys derived from an X25519 private key), fingerprints
- sessions.py  back-office session tokens and the per-session wrapping of a handler's private key
- envelope.py  the WBS envelope: data keys, fields, file streams, receipts, the recovery key
               (and, for its callers, every name above that it always exported)
- appkey.py    the application key ring (Fernet/MultiFernet) for personal data at rest

Who holds which key, when keys rotate and what is shredded is policy: portal/whistle/.
"""
