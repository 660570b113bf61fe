/**
 * A blocking WebSocket server on {@code java.net} sockets, one virtual thread per connection.
 * Build and start a {@link org.wsbyhand.server.WebSocketServer} with a
 * {@link org.wsbyhand.session.WebSocketHandler} per route; each handler sees its connections as
 * {@link org.wsbyhand.session.Session}s, which can send from any thread without blocking on a slow
 * client. An {@link org.wsbyhand.server.UpgradeHook} may accept or reject each upgrade request,
 * {@link org.wsbyhand.server.StaticFiles} answers plain HTTP GET and HEAD requests on the same port, and
 * {@link org.wsbyhand.session.PreparedMessage} encodes a message once for many sessions.
 */
package org.wsbyhand.server;
