/**
 * The WebSocket protocol after the opening handshake (RFC 6455 sections 5-7), with no I/O of its
 * own. A {@link org.wsbyhand.protocol.Connection} is the whole state machine of one connection:
 * the caller passes it the bytes read from the transport, polls the {@link org.wsbyhand.protocol.Event}s
 * it produces (messages, pings, pongs, the peer's close, a failure) and writes the buffers it
 * queues; it also says when to close the transport. The
 * framing layer ({@link org.wsbyhand.protocol.FrameDecoder}, {@link org.wsbyhand.protocol.FrameEncoder},
 * {@link org.wsbyhand.protocol.Masking}) and the UTF-8 check ({@link org.wsbyhand.protocol.Utf8Validator})
 * can also be used on their own. {@link org.wsbyhand.protocol.Limits} bounds every size a peer
 * controls; a peer that breaks a rule ends the connection's events with an
 * {@link org.wsbyhand.protocol.Event.Failure} holding a {@link org.wsbyhand.protocol.ProtocolException}
 * that names the {@link org.wsbyhand.protocol.Violation} and the close code to fail with.
 */
package org.wsbyhand.protocol;
