"""A loopback webhook agent for the agent-bound benchmark, in a process of its own so it is
never the bottleneck: every POST is answered after `delay_s` (asyncio, so thousands may
wait at once), and it notes when each request arrived and how many were in flight.

`python -m bench.receiver PORT_FILE DELAY_S`: listens on 127.0.0.1 (a free port, written to
PORT_FILE). `GET /stats` answers {"calls", "peak", "in_flight", "starts"} (arrival times,
epoch seconds); `POST /reset` forgets them.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

REPLY = json.dumps({"summary": "done"}).encode()


class Receiver:
    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.in_flight = 0
        self.peak = 0
        self.starts: list[float] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                length = 0
                close = False
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.lower() == "content-length":
                        length = int(value.strip())
                    elif name.lower() == "connection" and value.strip().lower() == "close":
                        close = True
                if length:
                    await reader.readexactly(length)
                body = await self.answer(method, path)
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
                if close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def answer(self, method: str, path: str) -> bytes:
        if path == "/stats":
            return json.dumps(
                {
                    "calls": len(self.starts),
                    "peak": self.peak,
                    "in_flight": self.in_flight,
                    "starts": self.starts,
                }
            ).encode()
        if path == "/reset":
            self.starts, self.peak = [], self.in_flight
            return b"{}"
        self.starts.append(time.time())
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delay_s)
        finally:
            self.in_flight -= 1
        return REPLY


async def main(port_file: Path, delay_s: float) -> None:
    receiver = Receiver(delay_s)
    server = await asyncio.start_server(receiver.serve, "127.0.0.1", 0, backlog=4096)
    port = server.sockets[0].getsockname()[1]
    await asyncio.to_thread(port_file.write_text, str(port))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), float(sys.argv[2])))
