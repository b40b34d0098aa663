"""Backups a bureau can restore: a consistent snapshot of the database and its files."""
