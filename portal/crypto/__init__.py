"""Cryptography only: the application key ring (personal data) and, later, WBS envelopes."""
