"""Notification kinds of supervision. Cases themselves notify nobody: the discipline office is told
of the cases the escalation ladder opens by ``complaint_escalated_office`` (complaints/escalation.py)."""
