"""Deliverables: Excel, HTML and PowerPoint audits, chart images, and the one export path for
every download (CSV / XLSX). No Streamlit here.

- ``text``: text safety (control characters removed, spreadsheet formulas neutralised).
- ``export``: ``csv_bytes`` and ``xlsx_bytes``, used by every download button and the CLI.
- ``excel``, ``html``, ``pptx``: the three audit writers; ``images``: Vega-Lite → PNG.
- ``content``: what the writers share (column labels, units, import-report rows, titles).
- ``labels``: words instead of ids on slides (rule titles, severities, field / value labels).
- ``layout``: text-fit estimates and pagination for the deck; ``agents``: agent names kept to
  agent slides, or pseudonymised ("Conseiller 01").
- ``audit``: ``write_report``, ``main_findings``, ``report_from_tables``, ``cli_report``.
"""
