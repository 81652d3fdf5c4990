"""Country reports: one unit of a frozen release, as an HTML page and a PDF, and a ZIP of all."""
