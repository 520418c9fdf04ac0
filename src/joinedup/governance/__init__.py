"""Information governance: backup and restore, subject access, retention, legal holds, audit
reports and protected identities (issue 9, builds 3 and 4)."""
