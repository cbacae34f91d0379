"""Gratification channel (pelaporan gratifikasi): campaign page, report form, follow-up by ticket + access code."""
