"""Public complaint channel (pengaduan masyarakat): intake, follow-up by ticket + access code."""
