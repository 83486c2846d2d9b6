"""What is known of each media revision syncd moved: per system and token, its content hash."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from syncd.state import schema as t
from syncd.state.clock import now


class MediaRecords:
    engine: Engine

    def transaction(self) -> Any: ...

    def _insert(self, table: Any) -> Any: ...

    # -- media cache -----------------------------------------------------------------------------
    def media_hash(self, mapping: str, endpoint: str, token: str) -> tuple[str, int] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.media.c.sha256, t.media.c.size).where(
                    t.media.c.mapping == mapping,
                    t.media.c.endpoint == endpoint,
                    t.media.c.token == token,
                )
            ).first()
        return None if row is None else (row.sha256, row.size)

    def media_hashes(self, mapping: str) -> dict[tuple[str, str], str]:
        """Every (endpoint, token) -> content hash known for a mapping: one query per run."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.media.c.endpoint, t.media.c.token, t.media.c.sha256).where(
                    t.media.c.mapping == mapping
                )
            ).all()
        return {(ep, token): sha for ep, token, sha in rows}

    def remember_media(
        self, mapping: str, endpoint: str, token: str, sha256: str, size: int
    ) -> None:
        with self.transaction() as conn:
            stmt = self._insert(t.media).values(
                mapping=mapping, endpoint=endpoint, token=token, sha256=sha256, size=size, at=now()
            )
            conn.execute(
                stmt.on_conflict_do_nothing(index_elements=["mapping", "endpoint", "token"])
            )
