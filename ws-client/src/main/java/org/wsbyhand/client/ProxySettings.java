package org.wsbyhand.client;

import java.net.URI;
import java.util.Optional;

/** TEMPORARY STUB (replaced by the proxy branch). */
public record ProxySettings(String host, int port) {
    public static Optional<ProxySettings> fromEnvironment(URI target) {
        return Optional.empty();
    }
}
