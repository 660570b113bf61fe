// Node ws as a client of ws-server's interop tests (NodeWsCompressionIT).
// Usage: node ws_client.js URL CORPUS_DIR SERVER_MAX_WINDOW_BITS|none
// Sends every file of CORPUS_DIR in name order (*.txt as text, *.bin as binary), checks that each echo
// is the same message byte for byte, and prints the negotiated Sec-WebSocket-Extensions.
'use strict';
const fs = require('fs');
const path = require('path');
const WebSocket = require('ws');

const [url, corpus, bits] = process.argv.slice(2);
const deflate = bits === 'none' ? { clientMaxWindowBits: true } : { serverMaxWindowBits: Number(bits), clientMaxWindowBits: true };
const ws = new WebSocket(url, { perMessageDeflate: deflate, maxPayload: 64 * 1024 * 1024 });
const names = fs.readdirSync(corpus).sort();
const timer = setTimeout(() => { console.log('timed out'); process.exit(3); }, 60000);
let index = 0;
let expected;

function sendNext() {
  if (index === names.length) {
    console.log('echoes identical: ' + names.length);
    clearTimeout(timer);
    ws.close(1000);
    return;
  }
  const name = names[index++];
  expected = { name, binary: name.endsWith('.bin'), data: fs.readFileSync(path.join(corpus, name)) };
  ws.send(expected.binary ? expected.data : expected.data.toString('utf8'), { binary: expected.binary });
}

ws.on('upgrade', (response) => console.log('extensions: ' + response.headers['sec-websocket-extensions']));
ws.on('open', sendNext);
ws.on('message', (data, isBinary) => {
  if (isBinary !== expected.binary || !Buffer.from(data).equals(expected.data)) {
    console.log('mismatch: ' + expected.name);
    process.exit(2);
  }
  sendNext();
});
ws.on('error', (error) => { console.log('error: ' + error.message); process.exit(4); });
