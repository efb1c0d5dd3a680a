#!/usr/bin/env python3
"""A TCP proxy that cuts connections at random, mid-response: the network
dropping under a run (docs/reliability.md, "How each is tested").

    scripts/lib/cutting-proxy.py TARGET_PORT CUT_RATE [SEED]

Listens on a free port of 127.0.0.1 and prints it first. Each connection is
forwarded to 127.0.0.1:TARGET_PORT; with probability CUT_RATE per answer
chunk read from the target, the connection is cut after forwarding a random
part of that chunk (a response cut mid-headers or mid-body). Counts of
connections and cuts go to stderr when it is stopped (SIGTERM).
"""
import asyncio
import random
import signal
import sys

target_port = int(sys.argv[1])
rate = float(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
stats = {"connections": 0, "cuts": 0}


async def pipe(reader, writer, cutting):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if cutting and rng.random() < rate:
                writer.write(data[: rng.randrange(0, len(data))])
                await writer.drain()
                stats["cuts"] += 1
                return True
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    return False


async def handle(client_reader, client_writer):
    stats["connections"] += 1
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_writer.close()
        return
    upstream = asyncio.ensure_future(pipe(client_reader, server_writer, False))
    downstream = asyncio.ensure_future(pipe(server_reader, client_writer, True))
    await asyncio.wait([upstream, downstream], return_when=asyncio.FIRST_COMPLETED)
    for task in (upstream, downstream):
        task.cancel()
    for w in (client_writer, server_writer):
        try:
            w.transport.abort() if downstream.done() and downstream.result() else w.close()
        except Exception:
            pass


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()
    print(f"connections={stats['connections']} cuts={stats['cuts']}", file=sys.stderr, flush=True)


asyncio.run(main())
