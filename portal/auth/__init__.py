"""Back-office accounts: passwords, TOTP, server-side sessions, role checks, first admin."""
