"""The relational executor: the KPI declarations (``kpis.declare``) compiled to Ibis and run by
DuckDB (embedded, spills to disk), Spark or any Ibis backend; only aggregates come back, and the
intervals are computed from them in Python as in the in-memory engine.

``compute(source, kpi_ids, by, period, filters, params)`` returns the same table as
``kpis.engine.compute``; ``source`` is a ``kpis.relational.source.Source``.
"""
