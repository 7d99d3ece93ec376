"""Security for the web desk: passwords, sign-in throttling, sessions, CSRF, masking, headers."""
