"""python-websockets as an echo server for ws-protocol's ClientCompressionIT.

Usage: python3 websockets_server.py CLIENT_MAX_WINDOW_BITS
Listens on 127.0.0.1 on a free port, prints the port, answers a client that offers
client_max_window_bits with that window (so its zlib inflates the client's messages with a window of
that size), echoes every message, and exits after 90 seconds at the latest.
"""
import asyncio
import sys

import websockets
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory


async def echo(websocket, path=None):
    async for message in websocket:
        await websocket.send(message)


async def main(bits):
    factory = ServerPerMessageDeflateFactory(client_max_window_bits=bits, require_client_max_window_bits=True)
    async with websockets.serve(echo, "127.0.0.1", 0, extensions=[factory], compression=None, max_size=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.sleep(90)


asyncio.run(main(int(sys.argv[1])))
