package org.wsbyhand.client;

import java.net.Socket;
import java.net.URI;

/** TEMPORARY STUB. */
final class ProxyTunnel {
    static void open(Socket socket, String host, int port, ProxySettings proxy, int maxHeadBytes, URI uri)
            throws WebSocketConnectException {
        throw new WebSocketConnectException(WebSocketConnectException.Failure.IO, uri, "stub", null);
    }
}
