#!/usr/bin/env python3
"""Writes CSVs of a synthetic archive for the report benchmarks: N calls over
90 days from START (unix seconds; default 2026-08-17) with a realistic status
mix, and 4 events per call (3 for a call nobody picked up). Usage: make-report-archive.py N OUT [START]"""
import random, sys
n = int(sys.argv[1]); out = sys.argv[2]
random.seed(11)
start = int(sys.argv[3]) if len(sys.argv) > 3 else 1787000000
statuses = ["completed"] * 70 + ["failed"] * 15 + ["canceled"] * 5 + ["rejected"] * 2 + ["queued"] * 5 + ["dialing"] * 2 + ["connected"]
with open(out + "-calls.csv", "w") as cc, open(out + "-events.csv", "w") as ec:
    for i in range(1, n + 1):
        q = start + random.randrange(0, 90 * 86400)
        st = random.choice(statuses)
        mx = random.randint(1, 3); at = random.randint(0 if st == "canceled" else 1, mx)
        d = q + random.randrange(1, 6); c = d + random.randrange(3, 40); e = c + random.randrange(2, 900)
        # one completed call in ten has no duration field: reports use its events
        dur = "" if st != "completed" or i % 10 == 0 else str(e - c)
        final = 1 if st in ("completed", "failed", "canceled", "rejected") else 0
        # Someone picked up every completed call and one in ten of the others.
        answered = st == "completed" or i % 10 == 3
        # event_duration: what callhist derives from the events when it stores a call
        cc.write("call-%08d,%s,617%07d,%d,%d,%d,%s,%s,%s,%d,%s,%d,%s\n" % (i, st, i % 10000000, at, mx, q, c if st == "completed" else "",
                 e if final else "", 300, final, dur, q, str(e - c) if answered else ""))
        events = [("queued", q), ("dialing", d), ("connected", c), ("disconnected", e)]
        for s, (ev, t) in enumerate(events if answered else [events[0], events[1], events[3]]):
            ec.write("call-%08d,%d,%s,%d\n" % (i, s, ev, t))
