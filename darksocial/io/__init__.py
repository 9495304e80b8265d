"""Loaders for real marketing exports (placeholder, completed below)."""
