package org.wsbyhand.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which browser pages may open a WebSocket: the defence against cross-site WebSocket hijacking. A
 * browser sends the page's {@code Origin} with every upgrade (RFC 6455 10.2) and cannot be made to
 * lie about it; without a check, any page on the internet could open a socket that carries the
 * user's cookies. The rule:
 *
 * <ul>
 *   <li>no {@code Origin}: not a browser page, nothing to hijack from: allowed;
 *   <li>an origin in the allow-list: allowed;
 *   <li>the same origin: the Origin's host and port equal the request's {@code Host} (default ports
 *       80 for http and 443 for https left out); on a {@code wss://} server the Origin must also be
 *       {@code https}. A plain server takes both schemes, for the TLS-terminating proxy in front of it;
 *   <li>anything else, {@code null} (sandboxed and {@code file:} pages) included: refused with 403,
 *       unless the server allows any origin.
 * </ul>
 *
 * <p>Origins compare as {@code scheme://host[:port]}, case-insensitively, default ports left out.
 */
final class OriginPolicy {
    private final Set<String> allowed;
    private final boolean any;
    private final boolean tls;

    /**
     * @param allowed origins allowed besides the same origin, normalized as {@link ServerConfig} keeps them
     * @param any whether every origin is allowed
     * @param tls whether the server serves {@code wss://}
     */
    OriginPolicy(Set<String> allowed, boolean any, boolean tls) {
        this.allowed = Set.copyOf(allowed);
        this.any = any;
        this.tls = tls;
    }

    /** The value normalized. @throws IllegalArgumentException when it is not an http(s) origin */
    static String require(String origin) {
        return normalize(origin).orElseThrow(() -> new IllegalArgumentException(
                "not an origin (scheme://host[:port] with scheme http or https): " + origin));
    }

    /**
     * Whether an upgrade with this {@code Origin} and {@code Host} may go on.
     *
     * @param origin the request's Origin header, if any
     * @param host the request's Host header, if any
     */
    boolean allows(Optional<String> origin, Optional<String> host) {
        if (any || origin.isEmpty()) {
            return true;
        }
        Optional<String> normalized = normalize(origin.get());
        if (normalized.isEmpty()) {
            return false;
        }
        return allowed.contains(normalized.get()) || sameOrigin(normalized.get(), host);
    }

    private boolean sameOrigin(String origin, Optional<String> host) {
        if (host.isEmpty()) {
            return false;
        }
        boolean https = origin.startsWith("https://");
        if (tls && !https) {
            return false;
        }
        String authority = origin.substring(origin.indexOf("://") + 3);
        String h = host.get().strip().toLowerCase(Locale.ROOT);
        if (h.endsWith(https ? ":443" : ":80")) {
            h = h.substring(0, h.lastIndexOf(':'));
        }
        return authority.equals(h);
    }

    /**
     * {@code scheme://host[:port]} in lower case without a default port, or empty when the value is
     * not an http(s) origin.
     */
    static Optional<String> normalize(String origin) {
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
            return Optional.empty();
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
        return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port));
    }
}
