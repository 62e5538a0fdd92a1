"""Notification kinds of complaints."""
