"""Storage: engine, session, column types and migrations."""
