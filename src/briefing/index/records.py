"""A SQLite record manager for LangChain's indexing API.

LangChain's ``index()`` keeps, beside the vector store, a record of which chunk hashes
were written and when; that is what makes re-ingesting an unchanged corpus free and lets
it delete chunks of changed or removed documents. ``langchain-classic`` ships a
SQLAlchemy-based manager; this one is the same six-method interface on the standard
library's ``sqlite3``, so the index needs no extra dependency.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from langchain_core.indexing import RecordManager


class SQLiteRecordManager(RecordManager):
    """Records (key, group_id, updated_at) in one SQLite file; safe across processes."""

    def __init__(self, namespace: str, path: Path) -> None:
        super().__init__(namespace)
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._last_time = 0.0

    # -- connection ---------------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self._conn = conn
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def create_schema(self) -> None:
        with self._lock, self._db() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS records ("
                " namespace TEXT NOT NULL, key TEXT NOT NULL, group_id TEXT,"
                " updated_at REAL NOT NULL, PRIMARY KEY (namespace, key))"
            )
            db.execute("CREATE INDEX IF NOT EXISTS records_group ON records(namespace, group_id)")
            db.execute("CREATE INDEX IF NOT EXISTS records_time ON records(namespace, updated_at)")

    async def acreate_schema(self) -> None:
        self.create_schema()

    # -- time: strictly increasing within a process, so "before start" is exact ---------
    def get_time(self) -> float:
        now = max(time.time(), self._last_time + 1e-6)
        self._last_time = now
        return now

    async def aget_time(self) -> float:
        return self.get_time()

    # -- records --------------------------------------------------------------------
    def update(
        self,
        keys: Sequence[str],
        *,
        group_ids: Sequence[str | None] | None = None,
        time_at_least: float | None = None,
    ) -> None:
        if group_ids is not None and len(keys) != len(group_ids):
            raise ValueError("Length of keys must match length of group_ids")
        now = self.get_time()
        if time_at_least is not None and time_at_least > now:
            raise ValueError("time_at_least must be in the past")
        groups = group_ids if group_ids is not None else [None] * len(keys)
        rows = [(self.namespace, k, g, now) for k, g in zip(keys, groups, strict=True)]
        with self._lock, self._db() as db:
            db.executemany(
                "INSERT INTO records(namespace, key, group_id, updated_at) VALUES (?,?,?,?)"
                " ON CONFLICT(namespace, key) DO UPDATE SET"
                " group_id=excluded.group_id, updated_at=excluded.updated_at",
                rows,
            )

    async def aupdate(self, keys, *, group_ids=None, time_at_least=None) -> None:  # type: ignore[no-untyped-def]
        self.update(keys, group_ids=group_ids, time_at_least=time_at_least)

    def exists(self, keys: Sequence[str]) -> list[bool]:
        found: set[str] = set()
        with self._lock:
            db = self._db()
            for i in range(0, len(keys), 500):
                part = list(keys[i : i + 500])
                marks = ",".join("?" * len(part))
                found.update(
                    r[0]
                    for r in db.execute(
                        f"SELECT key FROM records WHERE namespace=? AND key IN ({marks})",
                        [self.namespace, *part],
                    )
                )
        return [k in found for k in keys]

    async def aexists(self, keys: Sequence[str]) -> list[bool]:
        return self.exists(keys)

    def list_keys(
        self,
        *,
        before: float | None = None,
        after: float | None = None,
        group_ids: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[str]:
        sql = "SELECT key FROM records WHERE namespace=?"
        args: list[object] = [self.namespace]
        if before is not None:
            sql += " AND updated_at < ?"
            args.append(before)
        if after is not None:
            sql += " AND updated_at > ?"
            args.append(after)
        if group_ids is not None:
            sql += f" AND group_id IN ({','.join('?' * len(group_ids))})"
            args.extend(group_ids)
        sql += " ORDER BY key"
        if limit:
            sql += " LIMIT ?"
            args.append(limit)
        with self._lock:
            return [r[0] for r in self._db().execute(sql, args)]

    async def alist_keys(self, *, before=None, after=None, group_ids=None, limit=None) -> list[str]:  # type: ignore[no-untyped-def]
        return self.list_keys(before=before, after=after, group_ids=group_ids, limit=limit)

    def delete_keys(self, keys: Sequence[str]) -> None:
        with self._lock, self._db() as db:
            db.executemany(
                "DELETE FROM records WHERE namespace=? AND key=?",
                [(self.namespace, k) for k in keys],
            )

    async def adelete_keys(self, keys: Sequence[str]) -> None:
        self.delete_keys(keys)

    # -- extras for status and repair -------------------------------------------------
    def count(self) -> int:
        with self._lock:
            return (
                self._db()
                .execute("SELECT COUNT(*) FROM records WHERE namespace=?", [self.namespace])
                .fetchone()[0]
            )

    def groups(self) -> dict[str, int]:
        """Chunk count per group (document id)."""
        with self._lock:
            rows = self._db().execute(
                "SELECT group_id, COUNT(*) FROM records WHERE namespace=? GROUP BY group_id",
                [self.namespace],
            )
            return {g: n for g, n in rows if g is not None}

    def last_update(self) -> float | None:
        with self._lock:
            return (
                self._db()
                .execute("SELECT MAX(updated_at) FROM records WHERE namespace=?", [self.namespace])
                .fetchone()[0]
            )
