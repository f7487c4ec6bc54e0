"""CSV and Parquet exports of the analyst views (one file per view)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from caseminer.db.views import EXPORTED_VIEWS


def _export_views(
    engine: Engine, out_dir: Path, suffix: str, write: Callable[[pd.DataFrame, Path], None]
) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with engine.connect() as connection:
        for view in EXPORTED_VIEWS:
            frame = pd.read_sql_query(f"SELECT * FROM {view}", connection)
            path = out_dir / f"{view.removesuffix('_v')}.{suffix}"
            write(frame, path)
            written.append(path)
    return written


def export_csv(engine: Engine, out_dir: Path) -> list[Path]:
    """One CSV per analyst view (patients.csv, patient_phenotypes.csv, ...)."""
    return _export_views(engine, Path(out_dir), "csv", lambda frame, path: frame.to_csv(path, index=False))


def export_parquet(engine: Engine, out_dir: Path) -> list[Path]:
    """One Parquet file per analyst view, typed columns kept (pyarrow)."""
    return _export_views(
        engine, Path(out_dir), "parquet", lambda frame, path: frame.to_parquet(path, index=False)
    )
