"""Where the relational executor reads its tables: an Ibis connection and canonical table names.

``Source(con, tables)``: ``con`` an Ibis backend (DuckDB by default, Spark, or any backend an
Ibis URL names); ``tables`` maps a canonical table name (``contacts``, ``surveys``…) to the
backend's table name. Tables hold the canonical fields of ``kpis.schema`` with these types:
yes/no fields BOOLEAN, categories VARCHAR, times TIMESTAMP, numbers DOUBLE, plus ``_pos`` (BIGINT,
the row's position in the canonical pandas table: file order) so that results that depend on row
order (the bootstrap of a small segment, recontact ties) match the in-memory executor.

- ``from_frames(frames, backend)``: canonical pandas tables loaded into an in-memory DuckDB or a
  local Spark session (tests, and the app's "same numbers on both executors" check).
- ``connect(engine)``: ``duckdb:///path/to/file.duckdb`` (or a path ending in ``.duckdb``),
  ``spark`` (local session), or any Ibis URL (``postgres://…``, ``bigquery://…``).

DuckDB compute connections get ``duckdb_config()``: a memory limit (``PILOTE_DUCKDB_MEMORY``,
default ``2GB``: DuckDB's own default is 80 % of the RAM), a thread count
(``PILOTE_DUCKDB_THREADS``, default DuckDB's: one per core), spilling to ``temp_directory`` (next
to the base file: ``<base>.tmp``) and ``preserve_insertion_order = false`` (every query whose
row order matters orders by ``_pos``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

POSITION = "_pos"
MEMORY_ENV, THREADS_ENV = "PILOTE_DUCKDB_MEMORY", "PILOTE_DUCKDB_THREADS"
DEFAULT_MEMORY = "2GB"


def duckdb_config(path: str | None = None, memory: str | None = None, threads=None) -> dict:
    """Settings of a DuckDB compute connection: ``memory_limit`` (argument, else
    ``PILOTE_DUCKDB_MEMORY``, else 2GB), ``threads`` (argument, else ``PILOTE_DUCKDB_THREADS``,
    else DuckDB's default), ``temp_directory`` ``<path>.tmp`` for a base file (what does not fit
    spills there) and ``preserve_insertion_order`` off."""
    memory = memory or os.environ.get(MEMORY_ENV, "").strip() or DEFAULT_MEMORY
    threads = threads or os.environ.get(THREADS_ENV, "").strip() or None
    config: dict = {"memory_limit": str(memory), "preserve_insertion_order": False}
    if threads:
        config["threads"] = int(threads)
    if path:
        config["temp_directory"] = f"{path}.tmp"
    return config


@dataclass
class Source:
    con: object
    tables: dict[str, str] = field(default_factory=dict)
    backend: str = "duckdb"
    _tables: dict = field(default_factory=dict, repr=False, compare=False)

    def has(self, name: str) -> bool:
        return name in self.tables

    def table(self, name: str):
        """The Ibis table expression of a canonical table (its schema asked once)."""
        if name not in self._tables:
            self._tables[name] = self.con.table(self.tables[name])
        return self._tables[name]

    def columns(self, name: str) -> list[str]:
        return [c for c in self.table(name).columns if c != POSITION]


def arrow_table(frame: pd.DataFrame):
    """A canonical pandas table as Arrow, as the relational side stores it: categories as text,
    nullable booleans, NaN as null, datetimes in µs (what every backend reads), plus ``_pos``."""
    import pyarrow as pa

    cols = {}
    for name in frame.columns:
        s = frame[name]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = s.cat.categories
            s = s.astype(object) if cats.dtype == object else s.astype(cats.dtype)
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            s = s.astype("datetime64[us]")
        if s.dtype == object:
            s = s.map(lambda x: None if pd.isna(x) else str(x), na_action=None)
        cols[name] = pa.array(s, from_pandas=True)
    cols[POSITION] = pa.array(range(len(frame)), type=pa.int64())
    return pa.table(cols)


def from_frames(frames: Mapping[str, pd.DataFrame], backend: str = "duckdb") -> Source:
    """Canonical pandas tables loaded into a fresh in-memory DuckDB (or a local Spark session)."""
    import ibis

    if backend == "duckdb":
        con = ibis.duckdb.connect(**duckdb_config())
    elif backend == "spark":
        con = ibis.pyspark.connect(spark_session())
    else:
        raise ValueError(f"backend must be 'duckdb' or 'spark', not {backend!r}")
    names = {}
    for name, frame in frames.items():
        if frame is None:
            continue
        data = arrow_table(frame)
        if backend == "duckdb":
            con.create_table(name, data, overwrite=True)
            names[name] = name
        else:  # Arrow straight to Spark: nulls stay nulls (through pandas they become NaN);
            # one view name per call, as the session is shared by the whole process
            global _VIEWS
            _VIEWS += 1
            view = f"{name}_{_VIEWS}"
            spark_session().createDataFrame(data).createOrReplaceTempView(view)
            names[name] = view
    return Source(con, names, backend)


_SPARK = None
_VIEWS = 0  # Spark views created by from_frames in this process


def spark_session():
    """One local Spark session per process (UTC, 2 shuffle partitions: small test tables)."""
    global _SPARK
    if _SPARK is None:
        from pyspark.sql import SparkSession

        _SPARK = (
            SparkSession.builder.master("local[2]")
            .appName("pilote")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.ansi.enabled", "false")
            .getOrCreate()
        )
        _SPARK.sparkContext.setLogLevel("ERROR")
    return _SPARK
