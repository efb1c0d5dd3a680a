#!/usr/bin/env python3
"""Turns make-report-archive.py's CSVs into the NDJSON that `callhist import`
reads ({"call_id": …, "call_details": {…}} per line), the same calls and
events. Usage: make-ndjson.py OUT (reads OUT-calls.csv, OUT-events.csv;
writes OUT.ndjson)"""
import csv, json, sys
out = sys.argv[1]
events = {}
with open(out + "-events.csv") as f:
    for call_id, seq, event, ts in csv.reader(f):
        events.setdefault(call_id, []).append({"event": event, "timestamp": int(ts)})
with open(out + "-calls.csv") as f, open(out + ".ndjson", "w") as o:
    for r in csv.reader(f):
        call_id, st, phone, at, mx, q, start, end, wait, final, dur, first, _ = r
        d = {"status": st, "attempts": int(at), "max_attempts": int(mx), "phone_number": "'%s'" % phone,
             "queued_timestamp": int(q), "reattempt_wait": int(wait), "events": events.get(call_id, [])}
        if start: d["start_timestamp"] = int(start)
        if end: d["end_timestamp"] = int(end)
        if dur: d["duration"] = int(dur)
        o.write(json.dumps({"call_id": call_id, "call_details": d}, separators=(",", ":")) + "\n")
