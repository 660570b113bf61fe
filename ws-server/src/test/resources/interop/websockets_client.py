"""python-websockets as a client of ws-server's interop tests (PythonWebsocketsCompressionIT).

Usage: python3 websockets_client.py URL CORPUS_DIR SERVER_MAX_WINDOW_BITS|none
Sends every file of CORPUS_DIR in name order (*.txt as text, *.bin as binary), checks that each echo
is the same message byte for byte, and prints the negotiated Sec-WebSocket-Extensions.
"""
import asyncio
import os
import sys

import websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory


async def main(url, corpus, bits):
    factory = ClientPerMessageDeflateFactory(
        server_max_window_bits=None if bits == "none" else int(bits),
        client_max_window_bits=True,
    )
    async with websockets.connect(url, extensions=[factory], compression=None, max_size=None) as ws:
        print("extensions:", ws.response_headers.get("Sec-WebSocket-Extensions"), flush=True)
        names = sorted(os.listdir(corpus))
        for name in names:
            with open(os.path.join(corpus, name), "rb") as f:
                data = f.read()
            message = data.decode("utf-8") if name.endswith(".txt") else data
            await ws.send(message)
            echo = await asyncio.wait_for(ws.recv(), 30)
            echo_bytes = echo.encode("utf-8") if isinstance(echo, str) else echo
            if type(echo) is not type(message) or echo_bytes != data:
                print("mismatch:", name, len(echo_bytes), "bytes instead of", len(data), flush=True)
                sys.exit(2)
        print("echoes identical:", len(names), flush=True)


asyncio.run(asyncio.wait_for(main(sys.argv[1], sys.argv[2], sys.argv[3]), 60))
