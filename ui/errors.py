"""The one place where an error reaches the screen: readable text, never a traceback, never HTML."""

from __future__ import annotations

import logging
import re

import streamlit as st

from kpis.errors import PiloteError

log = logging.getLogger("pilote.ui")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def md_escape(text: object) -> str:
    """A user string made inert for Streamlit markdown (headers, motifs, comments, file names)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def show_error(exc: BaseException, lang: str = "fr", *, file: str | None = None) -> None:
    """Show ``exc`` as a readable message; unexpected errors are logged, the app keeps going."""
    if isinstance(exc, PiloteError):
        text = exc.message(lang)
    else:
        log.exception("unexpected error", exc_info=exc)
        where = f"« {file} » : " if file else ""
        text = (
            f"{where}erreur inattendue ({type(exc).__name__} : {exc}). "
            "Vérifiez le fichier et la correspondance des colonnes."
            if lang == "fr"
            else f"{where}unexpected error ({type(exc).__name__}: {exc}). "
            "Check the file and the column mapping."
        )
    st.error(md_escape(text), icon=":material/error:")
