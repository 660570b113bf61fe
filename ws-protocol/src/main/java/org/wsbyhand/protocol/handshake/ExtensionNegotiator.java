package org.wsbyhand.protocol.handshake;

import java.util.List;
import java.util.Optional;

/**
 * The server side of one extension's negotiation (RFC 6455 section 9, e.g. permessage-deflate of
 * RFC 7692). {@link ServerHandshake} calls it once per handshake, only if the client offered an
 * extension of this name, with the offers in the client's order of preference.
 *
 * <p>Implementations must be stateless or thread-safe: one {@link ServerHandshake} serves every
 * connection. Per-connection state (a compressor, say) is created by the caller from the
 * accepted offer in {@link HandshakeResult#extensions()}.
 */
public interface ExtensionNegotiator {

    /**
     * The extension token this negotiator handles, e.g. {@code permessage-deflate}.
     *
     * @return the extension name
     */
    String name();

    /**
     * Chooses the first acceptable offer and returns the response to send for it: an offer of
     * {@link #name()} with the parameters the server agrees to. Returns empty to decline the
     * extension; RFC 7692 for example declines offers with unknown or invalid parameters rather
     * than failing the handshake.
     *
     * @param offersOfThisName every offer of this name in the client's order; never empty
     * @return the response offer, whose name must equal {@link #name()}, or empty to decline
     * @throws HandshakeException to fail the whole handshake (the status is sent to the client)
     */
    Optional<ExtensionOffer> negotiate(List<ExtensionOffer> offersOfThisName) throws HandshakeException;
}
