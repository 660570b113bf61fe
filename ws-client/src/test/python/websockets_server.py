"""python-websockets as a peer server of ws-client's interop tests (InteropIT, through PeerServer).

Usage: python3 websockets_server.py
Written for Debian's python3-websockets 10.4, on the asyncio API of websockets.legacy.server (the
websockets.serve of 10.x, which later versions keep, deprecated, under that name). Listens on
127.0.0.1, port 0, with the default compression (permessage-deflate), and prints "port=N" once
listening. An echo server: every text and binary message goes back as received, except these text
commands (the protocol every peer of PeerServer speaks):
  close:CODE:REASON   closes the connection with CODE and REASON
  ping:PAYLOAD        sends a ping with PAYLOAD; when the pong comes, sends the text "pong:PAYLOAD"
  fragments:N:TEXT    sends TEXT as one text message in N fragments (split between code points)
  extensions?         answers "extensions:" and the negotiated Sec-WebSocket-Extensions
  closed?ID           answers "closed:ID:CODE:REASON" with the close frame the connection opened
                      with ?id=ID received, or "closed:ID:" while it has received none
"""
import asyncio
import math
import sys
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.legacy.server import serve as websockets_serve

closes = {}


def pieces(text, n):
    size = math.ceil(len(text) / n)
    return [text[i * size:(i + 1) * size] for i in range(n)]


async def report_pong(ws, payload, waiter):
    await waiter
    await ws.send("pong:" + payload)


async def serve(ws):
    connection_id = parse_qs(urlsplit(ws.path).query).get("id", [None])[0]
    pings = set()
    try:
        async for message in ws:
            if isinstance(message, bytes):
                await ws.send(message)
            elif message.startswith("close:"):
                _, code, reason = message.split(":", 2)
                await ws.close(int(code), reason)
            elif message.startswith("ping:"):
                payload = message[5:]
                task = asyncio.create_task(report_pong(ws, payload, await ws.ping(payload)))
                pings.add(task)
                task.add_done_callback(pings.discard)
            elif message.startswith("fragments:"):
                _, n, text = message.split(":", 2)
                await ws.send(pieces(text, int(n)))
            elif message == "extensions?":
                await ws.send("extensions:" + (ws.response_headers.get("Sec-WebSocket-Extensions") or ""))
            elif message.startswith("closed?"):
                asked = message[7:]
                await ws.send("closed:" + asked + ":" + closes.get(asked, ""))
            else:
                await ws.send(message)
    except ConnectionClosed:
        pass
    finally:
        if connection_id is not None:
            await ws.wait_closed()
            if ws.close_rcvd is not None:
                closes[connection_id] = "%d:%s" % (ws.close_rcvd.code, ws.close_rcvd.reason)
            else:
                closes[connection_id] = "1006:"


async def main():
    async with websockets_serve(serve, "127.0.0.1", 0, max_size=64 * 1024 * 1024, max_queue=None) as server:
        port = server.sockets[0].getsockname()[1]
        print("port=%d" % port, flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
