package org.wsbyhand.client;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The proxy the environment names for a target, as {@link ProxySettings#fromEnvironment(Map, URI)}
 * documents: {@code https_proxy} / {@code http_proxy} (and their upper-case forms) parsed, and
 * {@code no_proxy} matched against the target.
 */
final class ProxyEnvironment {

    private ProxyEnvironment() {}

    static Optional<ProxySettings> select(Map<String, String> env, URI target) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(target, "target");
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        boolean secure;
        if (scheme.equals("wss")) {
            secure = true;
        } else if (scheme.equals("ws")) {
            secure = false;
        } else {
            throw new IllegalArgumentException("not a ws:// or wss:// URI: " + target.getScheme() + ":");
        }
        String targetHost = target.getHost();
        if (targetHost == null || targetHost.isEmpty()) {
            throw new IllegalArgumentException("the target URI has no host");
        }
        int targetPort = target.getPort() != -1 ? target.getPort() : secure ? 443 : 80;

        String name = secure ? "https_proxy" : "http_proxy";
        String value = nonBlank(env.get(name));
        if (value == null && (secure || !env.containsKey("REQUEST_METHOD"))) {
            name = name.toUpperCase(Locale.ROOT);
            value = nonBlank(env.get(name));
        }
        if (value == null) {
            return Optional.empty();
        }
        String noProxy = nonBlank(env.get("no_proxy"));
        if (noProxy == null) {
            noProxy = nonBlank(env.get("NO_PROXY"));
        }
        if (noProxy != null && bypasses(noProxy, targetHost, targetPort)) {
            return Optional.empty();
        }
        return Optional.of(parse(name, value));
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }


    // ---- the proxy variable ----

    /**
     * Parses {@code [http://][user[:password]@]host[:port][/]}. Messages name the variable and
     * the part that is wrong but never repeat the value, which may hold a password.
     */
    private static ProxySettings parse(String variable, String value) {
        String rest = value;
        int schemeEnd = value.indexOf("://");
        if (schemeEnd >= 0) {
            String scheme = value.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
            if (scheme.equals("https")) {
                throw new IllegalArgumentException(variable + " names an https:// proxy: TLS to the proxy is not"
                        + " supported; use an http:// proxy (TLS to a wss:// server still runs end to end"
                        + " inside the tunnel)");
            }
            if (!scheme.equals("http")) {
                // The scheme is shown only when it cannot be a piece of credentials typed in the wrong place.
                String shown = scheme.matches("[a-z][a-z0-9+.-]{0,15}") ? scheme + "://" : "another scheme";
                throw new IllegalArgumentException(variable + " names a proxy of " + shown
                        + "; only http:// proxies (HTTP CONNECT) are supported");
            }
            rest = value.substring(schemeEnd + 3);
        }
        int authorityEnd = rest.length();
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                authorityEnd = i;
                break;
            }
        }
        String tail = rest.substring(authorityEnd);
        if (!tail.isEmpty() && !tail.equals("/")) {
            throw new IllegalArgumentException(variable + ": a proxy URL has no path, query or fragment");
        }
        String authority = rest.substring(0, authorityEnd);
        int at = authority.lastIndexOf('@');
        String userInfo = at >= 0 ? authority.substring(0, at) : "";
        String hostPort = authority.substring(at + 1);

        String host;
        String portText = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(variable + ": the proxy's IPv6 address has no closing ']'");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                throw new IllegalArgumentException(variable + ": unexpected characters after the proxy's IPv6 address");
            }
        } else {
            int colon = hostPort.indexOf(':');
            if (colon >= 0 && hostPort.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException(variable + ": write the proxy's IPv6 address in brackets");
            }
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            portText = colon >= 0 ? hostPort.substring(colon + 1) : null;
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(variable + " names no proxy host");
        }
        int port = ProxySettings.DEFAULT_PROXY_PORT;
        if (portText != null) {
            port = parsePort(portText);
            if (port < 0) {
                throw new IllegalArgumentException(variable + ": the proxy port is not a number from 1 to 65535");
            }
        }
        ProxySettings proxy;
        try {
            proxy = ProxySettings.of(host, port);
        } catch (IllegalArgumentException e) {
            // Neither e nor its message: it repeats the host, which a malformed value may have taken
            // from its credentials.
            throw new IllegalArgumentException(variable + ": the proxy host is not a host name or IP address");
        }
        if (userInfo.isEmpty()) {
            return proxy;
        }
        int colon = userInfo.indexOf(':');
        String user = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
        String password = colon >= 0 ? userInfo.substring(colon + 1) : "";
        try {
            return proxy.withCredentials(percentDecode(user, "user name"), percentDecode(password, "password"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + ": " + e.getMessage(), e);
        }
    }

    /** The port, or -1 unless {@code text} is 1 to 5 ASCII digits for 1-65535. */
    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5) {
            return -1;
        }
        int port = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            port = port * 10 + (c - '0');
        }
        return port >= 1 && port <= 65535 ? port : -1;
    }

    /**
     * Strict percent-decoding as UTF-8 (RFC 3986 2.1); '+' stays '+'.
     *
     * @throws IllegalArgumentException on a truncated or non-hex escape or bytes that are not UTF-8
     */
    private static String percentDecode(String s, String what) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("the proxy " + what + " has a truncated or invalid % escape");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    utf8 = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.write(utf8, 0, utf8.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the proxy " + what + " is percent-encoded but not UTF-8", e);
        }
    }

    // ---- no_proxy ----

    /** True if an entry of {@code noProxy} matches the target, as {@link #fromEnvironment(Map, URI)} describes. */
    static boolean bypasses(String noProxy, String targetHost, int targetPort) {
        String target = normalizeHost(targetHost);
        boolean targetIsIp = isIpLiteral(target);
        for (String entry : noProxy.split("[,\\s]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*")) {
                return true;
            }
            String host;
            int port = -1;
            if (entry.startsWith("[")) {
                int close = entry.indexOf(']');
                if (close < 0) {
                    continue;
                }
                host = entry.substring(1, close);
                String after = entry.substring(close + 1);
                if (after.startsWith(":")) {
                    port = parsePort(after.substring(1));
                    if (port < 0) {
                        continue;
                    }
                } else if (!after.isEmpty()) {
                    continue;
                }
            } else {
                int colon = entry.indexOf(':');
                if (colon >= 0 && entry.indexOf(':', colon + 1) < 0) {
                    host = entry.substring(0, colon);
                    port = parsePort(entry.substring(colon + 1));
                    if (port < 0) {
                        continue;
                    }
                } else {
                    // No colon, or an IPv6 address without brackets (and so without a port).
                    host = entry;
                }
            }
            if (host.startsWith("*.")) {
                host = host.substring(1);
            }
            host = normalizeHost(host);
            String name = host.startsWith(".") ? host.substring(1) : host;
            if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('*') >= 0) {
                continue;
            }
            if (port >= 0 && port != targetPort) {
                continue;
            }
            if (targetIsIp || isIpLiteral(name)) {
                if (target.equals(name)) {
                    return true;
                }
            } else if (target.equals(name) || target.endsWith("." + name)) {
                return true;
            }
        }
        return false;
    }

    /** Without brackets, lower case, without one trailing dot. */
    private static String normalizeHost(String host) {
        String h = host;
        if (h.length() >= 2 && h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        h = h.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** An IPv6 address (it has a colon) or dotted-quad IPv4 address. */
    private static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }
}
