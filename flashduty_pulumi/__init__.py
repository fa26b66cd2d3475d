"""Flashduty rules as Pulumi resources."""
