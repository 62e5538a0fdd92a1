"""Notification kinds of supervision."""
