"""Casework pages: dashboard, case list, case page with its tabs, intake, screening and the
small forms that add to a case. Reads go through casework.selectors (scoped, audited), writes
through casework.services; the views only turn forms into calls and refusals into messages."""
