"""Storage: engines for SQLite files and database URLs, the ORM models and their migrations."""
