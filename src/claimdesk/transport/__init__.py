"""Moving X12 files to and from the clearinghouses' SFTP servers (docs/transport.md)."""
