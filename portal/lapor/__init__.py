"""SP4N-LAPOR! exchange: import reports from a LAPOR! export file, export the follow-ups of LAPOR!-sourced
complaints, and a small client interface for the LAPOR! API behind a setting (portal.lapor.client)."""
