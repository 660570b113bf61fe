// Node ws as a peer server of ws-client's interop tests (InteropIT, through PeerServer).
// Usage: node ws_server.js
// Listens on 127.0.0.1, port 0, with permessage-deflate, and prints "port=N" once listening. An echo
// server: every text and binary message goes back as received, except these text commands (the
// protocol every peer of PeerServer speaks):
//   close:CODE:REASON   closes the connection with CODE and REASON
//   ping:PAYLOAD        sends a ping with PAYLOAD; when the pong comes, sends the text "pong:PAYLOAD"
//   fragments:N:TEXT    sends TEXT as one text message in N fragments (split between code points)
//   extensions?         answers "extensions:" and the negotiated Sec-WebSocket-Extensions
//   closed?ID           answers "closed:ID:CODE:REASON" with the close frame the connection opened
//                       with ?id=ID received, or "closed:ID:" while it has received none
'use strict';
const { WebSocketServer } = require('ws');

const closes = new Map();
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true, maxPayload: 64 * 1024 * 1024 });

function pieces(text, n) {
  const points = Array.from(text);
  const size = Math.ceil(points.length / n);
  const result = [];
  for (let i = 0; i < n; i++) {
    result.push(points.slice(i * size, (i + 1) * size).join(''));
  }
  return result;
}

// The Sec-WebSocket-Extensions line of the 101 response, kept with its request.
server.on('headers', (headers, request) => {
  const line = headers.find((h) => h.toLowerCase().startsWith('sec-websocket-extensions:'));
  request.agreedExtensions = line === undefined ? '' : line.substring(line.indexOf(':') + 1).trim();
});

server.on('connection', (ws, request) => {
  const id = new URL(request.url, 'http://127.0.0.1').searchParams.get('id');
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.send(data, { binary: true });
      return;
    }
    const text = data.toString('utf8');
    if (text.startsWith('close:')) {
      const [, code, ...reason] = text.split(':');
      ws.close(Number(code), reason.join(':'));
    } else if (text.startsWith('ping:')) {
      ws.ping(Buffer.from(text.substring(5), 'utf8'));
    } else if (text.startsWith('fragments:')) {
      const [, n, ...rest] = text.split(':');
      const parts = pieces(rest.join(':'), Number(n));
      parts.forEach((part, i) => ws.send(part, { binary: false, fin: i === parts.length - 1 }));
    } else if (text === 'extensions?') {
      ws.send('extensions:' + (request.agreedExtensions || ''));
    } else if (text.startsWith('closed?')) {
      const asked = text.substring(7);
      ws.send('closed:' + asked + ':' + (closes.get(asked) || ''));
    } else {
      ws.send(text);
    }
  });
  ws.on('pong', (data) => ws.send('pong:' + data.toString('utf8')));
  ws.on('close', (code, reason) => {
    if (id !== null) {
      closes.set(id, code + ':' + reason.toString('utf8'));
    }
  });
  ws.on('error', () => {});
});

server.on('listening', () => console.log('port=' + server.address().port));
