#!/usr/bin/env python3
import sys, random
# Synthetic saved records: N calls with 4 events each, in import's NDJSON and as flattened CSV.
n = int(sys.argv[1]); out = sys.argv[2]
random.seed(7)
# The CSVs are the same rows flattened for sqlite3's .import (the ceiling):
# calls, events, and the snapshot of each call (its NDJSON line as the body).
with open(out + ".ndjson", "w") as nd, open(out + "-calls.csv", "w") as cc, open(out + "-events.csv", "w") as ec, open(out + "-snapshots.csv", "w") as sc:
    for i in range(1, n + 1):
        q = 1790000000 + random.randrange(0, 30 * 86400)
        d = q + random.randrange(1, 6); c = d + random.randrange(3, 40); e = c + random.randrange(2, 600)
        cid = "call-%08d" % i
        line = ('{"call_id":"%s","call_details":{"max_attempts":"2","attempts":"1","events":[{"event":"queued","timestamp":%d},{"event":"dialing","timestamp":%d},{"event":"connected","timestamp":%d},{"event":"disconnected","timestamp":%d}],"phone_number":"\'617%07d\'","status":"completed","queued_timestamp":"%d","start_timestamp":"%d","end_timestamp":"%d","reattempt_wait":"300","duration":%d}}\n' % (cid, q, d, c, e, i % 10000000, q, c, e, e - c))
        nd.write(line)
        body = line.rstrip("\n")
        sc.write('%d,%s,%064x,json,"%s",%d,%d\n' % (i, cid, i, body.replace('"', '""'), q, q))
        cc.write('%s,completed,617%07d,1,2,%d,%d,%d,300,%d,1,%d\n' % (cid, i % 10000000, q, c, e, e - c, q))
        for s, (ev, t) in enumerate([("queued", q), ("dialing", d), ("connected", c), ("disconnected", e)]):
            ec.write('%s,%d,%s,%d\n' % (cid, s, ev, t))
