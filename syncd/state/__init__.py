"""The state database: links across systems, synced fingerprints, cursors, journal, run history."""
