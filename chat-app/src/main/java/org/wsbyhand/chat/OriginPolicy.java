package org.wsbyhand.chat;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.wsbyhand.server.UpgradeDecision;
import org.wsbyhand.server.UpgradeHook;
import org.wsbyhand.session.UpgradeRequest;

/**
 * Refuses cross-site WebSocket hijacking: a browser sends the page's {@code Origin} with every
 * WebSocket upgrade (RFC 6455 section 10.2), and an upgrade from a page that is neither served by
 * this app nor one of the configured origins is refused with 403. "Served by this app" means the
 * Origin's host and port equal the request's {@code Host} header. A request without Origin does
 * not come from a browser page, so there is no site to hijack from and it is accepted.
 *
 * <p>Origins compare as {@code scheme://host[:port]}, case-insensitively, with the scheme's
 * default port (80 for http, 443 for https) left out.
 */
final class OriginPolicy implements UpgradeHook {

    private final Set<String> allowed;

    /**
     * @param allowedOrigins extra origins to accept, such as {@code https://chat.example.com}
     * @throws IllegalArgumentException for a value that is not an origin
     */
    OriginPolicy(List<String> allowedOrigins) {
        this.allowed = allowedOrigins.stream().map(o -> normalize(o).orElseThrow(
                () -> new IllegalArgumentException("not an origin (scheme://host[:port]): " + o)))
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public UpgradeDecision decide(UpgradeRequest request) {
        Optional<String> origin = request.origin();
        if (origin.isEmpty()) {
            return UpgradeDecision.accept();
        }
        Optional<String> normalized = normalize(origin.get());
        if (normalized.isPresent() && (allowed.contains(normalized.get())
                || sameHost(normalized.get(), request.header("Host")))) {
            return UpgradeDecision.accept();
        }
        return UpgradeDecision.reject(403, "origin not allowed: " + origin.get());
    }

    /** Whether an origin's authority equals the Host header's, both without default ports. */
    private static boolean sameHost(String normalizedOrigin, Optional<String> host) {
        if (host.isEmpty()) {
            return false;
        }
        String authority = normalizedOrigin.substring(normalizedOrigin.indexOf("://") + 3);
        String h = host.get().strip().toLowerCase(Locale.ROOT);
        if (h.endsWith(":80") && normalizedOrigin.startsWith("http://")
                || h.endsWith(":443") && normalizedOrigin.startsWith("https://")) {
            h = h.substring(0, h.lastIndexOf(':'));
        }
        return authority.equals(h);
    }

    /**
     * {@code scheme://host[:port]} in lower case without a default port, or empty when the value is
     * not an http(s) origin (for example {@code null}, which a sandboxed or file: page sends).
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
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return Optional.of(scheme + "://" + host + (defaultPort ? "" : ":" + port));
    }
}
