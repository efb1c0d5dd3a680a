"""A peer for scripts/bench-archive.sh: the archiver a Python team would
write with asyncio and aiohttp. It fetches every id at the given
concurrency over keep-alive connections, decodes each JSON body, and stores
in a SQLite file, 500 answers per transaction, the call's derived columns,
its events and its body with its SHA-256 (the same work, with a leaner
schema: primary keys only). Prints `archived=N seconds=S per_second=R`.

usage: asyncio-peer.py BASE_URL IDS_FILE DB CONCURRENCY
(FUSE_EMAIL and FUSE_DEVELOPER_KEY from the environment)
"""

import asyncio
import hashlib
import json
import os
import sqlite3
import sys
import time

import aiohttp


def integer(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def open_db(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(
        """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        CREATE TABLE IF NOT EXISTS calls (call_id TEXT PRIMARY KEY, status TEXT, phone_number TEXT, attempts INTEGER,
            max_attempts INTEGER, queued_timestamp INTEGER, start_timestamp INTEGER, end_timestamp INTEGER,
            reattempt_wait INTEGER, duration INTEGER, body_sha256 TEXT, fetched_at INTEGER);
        CREATE TABLE IF NOT EXISTS call_events (call_id TEXT, seq INTEGER, event TEXT, timestamp INTEGER,
            PRIMARY KEY (call_id, seq)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS call_snapshots (call_id TEXT, body_sha256 TEXT, body TEXT,
            PRIMARY KEY (call_id, body_sha256));
        """
    )
    return db


def store(db, answers):
    now = int(time.time())
    calls, events, snapshots = [], [], []
    for call_id, body in answers:
        d = json.loads(body)["call_details"]
        sha = hashlib.sha256(body).hexdigest()
        calls.append((call_id, d.get("status"), d.get("phone_number"), integer(d.get("attempts")), integer(d.get("max_attempts")),
                      integer(d.get("queued_timestamp")), integer(d.get("start_timestamp")), integer(d.get("end_timestamp")),
                      integer(d.get("reattempt_wait")), integer(d.get("duration")), sha, now))
        for seq, e in enumerate(d.get("events") or []):
            events.append((call_id, seq, e.get("event"), integer(e.get("timestamp"))))
        snapshots.append((call_id, sha, body.decode("utf-8", "replace")))
    db.execute("BEGIN")
    db.executemany("INSERT OR REPLACE INTO calls VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", calls)
    db.executemany("INSERT OR REPLACE INTO call_events VALUES (?,?,?,?)", events)
    db.executemany("INSERT OR IGNORE INTO call_snapshots VALUES (?,?,?)", snapshots)
    db.execute("COMMIT")


async def main(base, ids_file, db_path, concurrency):
    ids = [line.strip() for line in open(ids_file) if line.strip()]
    db = open_db(db_path)
    auth = aiohttp.BasicAuth(os.environ["FUSE_EMAIL"], os.environ["FUSE_DEVELOPER_KEY"])
    queue = asyncio.Queue()
    for i in ids:
        queue.put_nowait(i)
    pending = []
    archived = 0

    async def worker(session):
        nonlocal archived
        while True:
            try:
                call_id = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            async with session.get(f"{base}/outbound/{call_id}", headers={"Accept": "application/json"}) as r:
                body = await r.read()
                if r.status != 200:
                    raise SystemExit(f"{call_id}: HTTP {r.status}")
            pending.append((call_id, body))
            archived += 1
            if len(pending) >= 500:
                batch = pending[:]
                pending.clear()
                store(db, batch)

    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(auth=auth, connector=connector) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    if pending:
        store(db, pending)
    seconds = time.perf_counter() - started
    stored = db.execute("SELECT count(*) FROM calls").fetchone()[0]
    if stored != len(set(ids)):
        raise SystemExit(f"stored {stored} calls of {len(set(ids))}")
    print(f"archived={archived} seconds={seconds:.3f} per_second={archived / seconds:.0f}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
