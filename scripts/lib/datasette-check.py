#!/usr/bin/env python3
"""Loads an archive in Datasette with the metadata `callhist export
datasette-metadata` wrote, in process (no server, no network), and prints
JSON: the HTTP status of the calls table's page and of every canned query,
and whether each table's description is shown on its page. The export's
test runs it with the virtualenv scripts/test.sh makes.
Usage: datasette-check.py ARCHIVE METADATA"""
import asyncio, html, json, sys
from datasette.app import Datasette

archive, metadata_path = sys.argv[1], sys.argv[2]
metadata = json.load(open(metadata_path))

async def main():
    ds = Datasette([archive], metadata=metadata)
    await ds.invoke_startup()
    name = next(iter(metadata["databases"]))
    database = metadata["databases"][name]
    out = {"database": name, "pages": {}, "described": {}, "queries": {}, "rows": {}}
    for table, spec in database["tables"].items():
        page = await ds.client.get("/%s/%s" % (name, table))
        out["pages"][table] = page.status_code
        out["described"][table] = spec["description"] in html.unescape(page.text)
    for query in database["queries"]:
        r = await ds.client.get("/%s/%s.json?_shape=array&since=&until=&value=&call_id=call-0000001&name=campaign" % (name, query))
        out["queries"][query] = r.status_code
        out["rows"][query] = len(r.json()) if r.status_code == 200 else None
    print(json.dumps(out))

asyncio.run(main())
