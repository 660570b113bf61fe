/**
 * The opening handshake (RFC 6455 section 4), both sides, with no I/O of its own: an
 * incremental {@link org.wsbyhand.protocol.handshake.HttpHeadParser} for the HTTP head, a
 * {@link org.wsbyhand.protocol.handshake.ServerHandshake} that validates a request and builds the
 * 101 response, a {@link org.wsbyhand.protocol.handshake.ClientHandshake} that builds a request and
 * validates the response, and the parsing of {@code Sec-WebSocket-Extensions} into
 * {@link org.wsbyhand.protocol.handshake.ExtensionOffer}s. A failed handshake is a
 * {@link org.wsbyhand.protocol.handshake.HandshakeException} that carries the HTTP error response
 * to send.
 */
package org.wsbyhand.protocol.handshake;
