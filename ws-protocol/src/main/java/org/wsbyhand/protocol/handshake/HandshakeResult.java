package org.wsbyhand.protocol.handshake;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A successful opening handshake, the same on both sides: what was agreed and the 101 response
 * that says so. After it, the connection speaks WebSocket frames.
 *
 * @param response    the 101 Switching Protocols response: to send (server) or as received (client)
 * @param subprotocol the subprotocol both sides speak, if one was chosen (RFC 6455 1.9)
 * @param extensions  the accepted extensions with the server's parameters, in the order of the
 *                    response header, which is the order they apply to data (RFC 6455 9.1)
 */
public record HandshakeResult(HttpResponse response, Optional<String> subprotocol, List<ExtensionOffer> extensions) {

    /** Copies the extensions; rejects nulls. */
    public HandshakeResult {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(subprotocol, "subprotocol");
        extensions = List.copyOf(extensions);
    }

    /**
     * The accepted extension of this name, if any.
     *
     * @param name the extension name, e.g. {@code permessage-deflate}
     * @return the accepted extension with the server's parameters, or empty
     */
    public Optional<ExtensionOffer> extension(String name) {
        return extensions.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
