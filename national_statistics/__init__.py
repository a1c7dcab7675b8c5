"""National statistics without exposing anyone (docs/statistics.md): aggregate counts computed in
PostgreSQL (`queries`), small-cell protection of every published table (`suppression`), and the
k-anonymised record-level export in the style of IOM's CTDC (`ctdc`)."""
