"""Where the relational executor reads: an engine text turned into a ``Source``.

``connect(engine)``:

- ``duckdb:///path/to/file.duckdb`` or a path ending in ``.duckdb``: the DuckDB file (read
  only), with the canonical tables it holds (``pilote load`` writes them), opened with
  ``kpis.relational.source.duckdb_config``: memory limit 2GB unless ``memory=`` or the
  environment variable ``PILOTE_DUCKDB_MEMORY`` (``4GB``, ``500MB``…) says otherwise, threads
  from ``threads=`` or ``PILOTE_DUCKDB_THREADS``, spilling to ``<base>.duckdb.tmp``;
- ``spark``: a local Spark session (``kpis.relational.source.spark_session``), with the canonical
  tables of its catalogue;
- any other Ibis URL (``postgres://…``, ``bigquery://…``, ``snowflake://…``): ``ibis.connect``;
- ``env:NAME``: the engine text read from the environment variable ``NAME`` (how a connection
  string with a password is given without writing it anywhere).

``tables`` maps a canonical table name to the backend's (a warehouse table or view holding the
canonical fields: ``contacts=cs.contacts_2026``); by default the canonical names present.

A workspace never stores a connection string in clear: ``storable(engine)`` is what may be
written in it (``spark``, a DuckDB file, or an ``env:NAME`` reference).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kpis.errors import PiloteError
from kpis.relational.source import Source, duckdb_config
from kpis.schema import TABLES

ENV_PREFIX = "env:"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


class EngineError(PiloteError):
    """An engine text that cannot be used."""

    code = "engine_error"


def resolve(engine: str) -> str:
    """The engine text itself, or the value of the environment variable an ``env:`` names."""
    engine = (engine or "").strip()
    if engine.startswith(ENV_PREFIX):
        name = engine[len(ENV_PREFIX) :]
        value = os.environ.get(name, "").strip()
        if not value:
            raise EngineError(
                f"la variable d'environnement « {name} » est vide ou absente.",
                f"the environment variable '{name}' is empty or unset.",
            )
        return value
    if not engine:
        raise EngineError("moteur vide.", "empty engine.")
    return engine


def duckdb_path(engine: str) -> str | None:
    """The file of a DuckDB engine text (``duckdb:///p`` or a path ending in .duckdb), else None."""
    if engine.startswith("duckdb://"):
        path = engine[len("duckdb://") :]
        return path or None
    if not _URL.match(engine) and engine.endswith(".duckdb"):
        return engine
    return None


def kind(engine: str) -> str:
    """``duckdb``, ``spark`` or ``url`` (any other Ibis backend)."""
    if duckdb_path(engine):
        return "duckdb"
    if engine == "spark":
        return "spark"
    if _URL.match(engine):
        return "url"
    raise EngineError(
        f"moteur « {engine} » non reconnu : attendu un fichier .duckdb, « spark » ou une URL "
        "Ibis (postgres://…).",
        f"engine '{engine}' not recognised: expected a .duckdb file, 'spark' or an Ibis URL "
        "(postgres://…).",
    )


def connect(
    engine: str,
    tables: dict[str, str] | None = None,
    memory: str | None = None,
    threads: int | None = None,
) -> Source:
    """A ``Source`` on the engine (see the module docstring); ``memory`` and ``threads`` set a
    DuckDB base's memory limit and thread count."""
    import ibis

    text = resolve(engine)
    what = kind(text)
    if what == "duckdb":
        path = duckdb_path(text)
        if not Path(path).is_file():
            raise EngineError(
                f"base DuckDB introuvable : {path}. Chargez d'abord l'export (pilote load).",
                f"DuckDB database not found: {path}. Load the export first (pilote load).",
            )
        con = ibis.duckdb.connect(path, read_only=True, **duckdb_config(path, memory, threads))
        backend = "duckdb"
    elif what == "spark":
        from kpis.relational.source import spark_session

        con = ibis.pyspark.connect(spark_session())
        backend = "spark"
    else:
        try:
            con = ibis.connect(text)
        except Exception as exc:  # noqa: BLE001 - any backend's error, said without the URL
            raise EngineError(
                f"connexion impossible ({type(exc).__name__}).",
                f"cannot connect ({type(exc).__name__}).",
            ) from None
        backend = getattr(con, "name", "ibis")
    present = _table_names(con, backend)
    if tables:
        missing = [t for t in tables.values() if t not in present and "." not in t]
        if missing:
            raise EngineError(
                f"tables absentes de la source : {', '.join(missing)}.",
                f"tables missing from the source: {', '.join(missing)}.",
            )
        names = dict(tables)
    else:
        names = {t: t for t in TABLES if t in present}
    if not names:
        raise EngineError(
            "aucune table canonique (contacts, surveys…) dans la source.",
            "no canonical table (contacts, surveys…) in the source.",
        )
    return Source(con, names, backend)


def _table_names(con, backend: str) -> set[str]:
    """The tables a backend holds. DuckDB's are read with SQL: Ibis 12's ``list_tables`` calls
    ``fetch_arrow_table``, which DuckDB 2.0 no longer has."""
    if backend == "duckdb":
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        return {r[0] for r in con.con.execute(sql).fetchall()}
    return set(con.list_tables())


def storable(engine: str) -> str:
    """What a workspace may keep of an engine text: ``spark``, a DuckDB file or an ``env:NAME``
    reference. Anything else (a URL, which may carry a user and a password) is refused: give it
    through an environment variable and store ``env:NAME``."""
    engine = (engine or "").strip()
    if engine.startswith(ENV_PREFIX):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", engine[len(ENV_PREFIX) :]):
            raise EngineError(
                "référence de variable d'environnement invalide (env:NOM).",
                "invalid environment variable reference (env:NAME).",
            )
        return engine
    if engine == "spark":
        return engine
    path = duckdb_path(engine)
    if path and "@" not in engine and "?" not in engine:
        return engine
    raise EngineError(
        "une chaîne de connexion n'est jamais enregistrée en clair : mettez-la dans une "
        "variable d'environnement et indiquez env:NOM.",
        "a connection string is never saved in clear: put it in an environment variable and "
        "give env:NAME.",
    )
