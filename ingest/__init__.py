"""Ingestion: load -> clean -> split -> embed -> store, idempotent and resumable."""
