package org.wsbyhand.client;

import java.io.IOException;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * What a {@link ReconnectingConnection} connects with: {@link WebSocketClient#connect(ClientRequest,
 * WebSocketHandler)}, or a test's stand-in.
 */
@FunctionalInterface
interface Connector {
    /**
     * Opens a session; blocks until it is open or the attempt failed.
     *
     * @param request what to ask the server for
     * @param handler the session's handler
     * @return the open session
     * @throws IOException when the attempt failed, the client is closed, or the thread was interrupted
     */
    Session connect(ClientRequest request, WebSocketHandler handler) throws IOException;
}
