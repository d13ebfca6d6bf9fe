"""Pseudonymisation of customer identifiers: a keyed hash (SipHash-2-4), one key per workspace.

The same raw identifier gives the same integer key within a workspace (so recontacts are found)
and an unrelated one in another workspace. Raw identifiers are never kept. Only the distinct
values are hashed, so a 5M-row column costs one hash per customer.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpis.io.columns import arrow_text, maybe_padded

ENV_KEY = "PILOTE_WORKSPACE_KEY"
_PROCESS_KEY = secrets.token_bytes(32)


def new_key() -> bytes:
    return secrets.token_bytes(32)


KEY_FILE_PREFIX = "pilote-cle-pseudonymisation:"


def key_id(key: bytes) -> str:
    """A fingerprint of the key (16 hex characters of SHA-256 over a domain label): it tells
    whether a key file is the workspace's, and cannot recompute any pseudonym."""
    return hashlib.sha256(b"pilote key id\x00" + key).hexdigest()[:16]


def key_file_text(key: bytes) -> str:
    """The content of a key file: one line, the prefix then the key in hex."""
    return KEY_FILE_PREFIX + key.hex() + "\n"


def read_key_file(data: bytes | str) -> bytes:
    """The key of a key file (``key_file_text``); ValueError when it is not one."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = text.strip()
    if not text.startswith(KEY_FILE_PREFIX):
        raise ValueError("not a Pilote key file")
    raw = text[len(KEY_FILE_PREFIX) :]
    if len(raw) != 64:
        raise ValueError("not a Pilote key file")
    return bytes.fromhex(raw)


def default_key() -> bytes:
    """The key from PILOTE_WORKSPACE_KEY (hex) when set, else one random key per process."""
    env = os.environ.get(ENV_KEY)
    if env:
        try:
            return bytes.fromhex(env)
        except ValueError:
            return hashlib.sha256(env.encode()).digest()
    return _PROCESS_KEY


def normalise_id(text: pd.Series) -> pd.Series:
    """Trim, and drop a float artefact ('4587.0' -> '4587') so one customer keeps one key."""
    arr = arrow_text(text)
    if arr is not None and len(arr):
        # quick looks at whether anything needs changing (most id columns are clean): trimming
        # is only tried on the cells whose first or last byte may be a space
        rows = np.flatnonzero(maybe_padded(arr))
        sub = arr.take(pa.array(rows)) if len(rows) else None
        padded = (
            sub is not None
            and pc.any(
                pc.not_equal(pc.binary_length(pc.utf8_trim_whitespace(sub)), pc.binary_length(sub))
            ).as_py()
        )
        if not padded and not pc.any(pc.match_substring(arr, ".0")).as_py():
            return text
    return text.str.strip().str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)


def _sip_key(key: bytes) -> str:
    """SipHash wants 16 bytes of key text: 16 base64 characters derived from the 32-byte key."""
    return base64.b64encode(hashlib.sha256(key).digest())[:16].decode("ascii")


def pseudonymise(values: pd.Series, key: bytes | None = None) -> pd.Series:
    """Keyed SipHash-2-4 of each identifier (pandas' vectorised ``hash_array``, a keyed PRF), as
    a nullable Int64; missing stays missing. The import calls it on the distinct identifiers
    only (one hash per customer), then spreads the keys back to the rows."""
    key = key or default_key()
    missing = values.isna().to_numpy()
    texts = values.astype("str").to_numpy(dtype=object, na_value="")
    hashed = pd.util.hash_array(texts, hash_key=_sip_key(key), categorize=False).view(np.int64)
    out = pd.array(hashed, dtype="Int64")
    out[missing] = pd.NA
    return pd.Series(out, index=values.index, name=values.name)


def token(values: pd.Series, key: bytes | None = None) -> pd.Series:
    """Text form of the pseudonym, for set-aside rows shown to the user ('pid:…')."""
    ids = pseudonymise(values, key)
    return ids.map(lambda v: f"pid:{int(v) & 0xFFFFFFFFFFFFFFFF:016x}" if pd.notna(v) else "")
