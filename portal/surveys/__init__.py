"""Survei Kepuasan Masyarakat (SKM, PermenPANRB 14/2017): public form, kiosk, API intake, moderation."""
