"""The escalation sweep."""
