package org.wsbyhand.client;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP proxy that the client reaches its server through, with an HTTP {@code CONNECT} tunnel
 * (RFC 9110 9.3.6): the proxy's host and port and, optionally, the credentials it is sent with
 * the Basic scheme (RFC 7617) in {@code Proxy-Authorization}.
 *
 * <p>The connection to the proxy itself is plain TCP; for a {@code wss://} server, TLS runs inside
 * the tunnel, end to end with the server. A proxy that must be reached over TLS ({@code https://}
 * proxy URLs) is not supported.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the password.
 */
public final class ProxySettings {

    /** The port of an {@code http://} proxy URL that names none. */
    static final int DEFAULT_PROXY_PORT = 80;

    private final String host;
    private final int port;
    private final String username;
    private final String password;

    private ProxySettings(String host, int port, String username, String password) {
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /**
     * A proxy without credentials.
     *
     * @param host the proxy's host name or IP address; an IPv6 address with or without brackets
     * @param port the proxy's TCP port, 1 to 65535
     * @return the settings
     * @throws IllegalArgumentException if the host is empty or holds characters no host name or IP
     *         address has (a host name is ASCII letters, digits, {@code -}, {@code .} and
     *         {@code _}; use the punycode form of an internationalized name), or the port is out of range
     */
    public static ProxySettings of(String host, int port) {
        Objects.requireNonNull(host, "host");
        return new ProxySettings(requireHost(host), requirePort(port), null, null);
    }

    /**
     * A copy of these settings that authenticates with the Basic scheme (RFC 7617): every
     * {@code CONNECT} carries {@code Proxy-Authorization: Basic} and the base64 of
     * {@code username:password} in UTF-8. Basic credentials travel in the clear to the proxy.
     *
     * @param username the user name: not empty, no {@code ':'}, no control characters
     * @param password the password: possibly empty, no control characters
     * @return the settings with these credentials
     * @throws IllegalArgumentException if either breaks those rules (the message never repeats them)
     */
    public ProxySettings withCredentials(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.isEmpty()) {
            throw new IllegalArgumentException("the proxy user name is empty");
        }
        if (username.indexOf(':') >= 0) {
            // RFC 7617 2: the user-id cannot contain a colon, the first colon ends it.
            throw new IllegalArgumentException("the proxy user name contains ':'");
        }
        if (hasControl(username)) {
            throw new IllegalArgumentException("the proxy user name contains a control character");
        }
        if (hasControl(password)) {
            throw new IllegalArgumentException("the proxy password contains a control character");
        }
        return new ProxySettings(host, port, username, password);
    }

    /**
     * The proxy for connections to {@code target} as the usual environment variables configure it,
     * read from {@code env} (curl and most HTTP clients read the same variables).
     *
     * <ul>
     *   <li>For a {@code wss://} target {@code https_proxy}, else {@code HTTPS_PROXY}; for a
     *       {@code ws://} target {@code http_proxy}, else {@code HTTP_PROXY}. A variable that is
     *       empty or blank counts as unset. Under CGI ({@code REQUEST_METHOD} set)
     *       {@code HTTP_PROXY} is ignored: there it can come from a request's {@code Proxy}
     *       header ("httpoxy").
     *   <li>The value is {@code http://[user[:password]@]host[:port][/]} or the same without the
     *       {@code http://}, e.g. {@code proxy.corp:3128}; the port defaults to 80. User and
     *       password are percent-decoded as UTF-8 (write {@code @} as {@code %40}, {@code :} in the
     *       password as {@code %3A}). An IPv6 address is written in brackets.
     *   <li>{@code no_proxy}, else {@code NO_PROXY}: entries separated by commas or whitespace.
     *       {@code *} turns the proxy off for every target. A host name entry matches that host and
     *       every host under it, with or without a leading dot or {@code *.}, ignoring case:
     *       {@code example.com} and {@code .example.com} both match {@code example.com} and
     *       {@code a.example.com}. An IP address entry ({@code 10.0.0.1}, {@code ::1},
     *       {@code [::1]}) matches only the same address written the same way. An entry with
     *       {@code :port} matches only targets on that port (80 and 443 when the URI has none).
     *       Malformed entries and CIDR ranges are ignored.
     * </ul>
     *
     * @param env the environment, e.g. {@link System#getenv()}; names are matched case-sensitively
     * @param target the WebSocket URI to connect to, {@code ws://} or {@code wss://}
     * @return the proxy to use, or empty when no variable sets one or {@code no_proxy} excludes the target
     * @throws IllegalArgumentException if the target is not a {@code ws://} or {@code wss://} URI
     *         with a host, or the variable that applies is not a usable proxy URL: an
     *         {@code https://} or other non-{@code http://} proxy URL, a path, a bad port, bad
     *         percent-encoding, invalid credentials. The message names the variable and never
     *         repeats its credentials.
     */
    public static Optional<ProxySettings> fromEnvironment(Map<String, String> env, URI target) {
        return ProxyEnvironment.select(env, target);
    }

    /**
     * {@link #fromEnvironment(Map, URI)} with this process's environment, {@link System#getenv()}.
     *
     * @param target the WebSocket URI to connect to, {@code ws://} or {@code wss://}
     * @return the proxy to use, or empty when the environment sets none for the target
     * @throws IllegalArgumentException as {@link #fromEnvironment(Map, URI)} does
     */
    public static Optional<ProxySettings> fromEnvironment(URI target) {
        return fromEnvironment(System.getenv(), target);
    }

    /**
     * The proxy's host name or IP address; an IPv6 address without brackets.
     *
     * @return the host
     */
    public String host() {
        return host;
    }

    /**
     * The proxy's TCP port.
     *
     * @return the port, 1 to 65535
     */
    public int port() {
        return port;
    }

    /**
     * The user name sent to the proxy, when credentials are set.
     *
     * @return the user name, or empty
     */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /**
     * True if these settings carry credentials.
     *
     * @return {@code true} when a user name and password are set
     */
    public boolean hasCredentials() {
        return username != null;
    }

    /** The password, when credentials are set; package-private so that it is not passed around. */
    Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /**
     * Equal when host (ignoring ASCII case), port and credentials are equal.
     *
     * @param other the object to compare with
     * @return {@code true} for equal settings
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof ProxySettings that
                && host.equalsIgnoreCase(that.host)
                && port == that.port
                && Objects.equals(username, that.username)
                && Objects.equals(password, that.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host.toLowerCase(Locale.ROOT), port, username, password);
    }

    /**
     * The host, the port and the user name; the password as {@code ***}.
     *
     * @return a description without the password
     */
    @Override
    public String toString() {
        String address = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        return username == null
                ? "ProxySettings[" + address + "]"
                : "ProxySettings[" + address + ", user " + username + ", password ***]";
    }

    // ---- validation ----

    /** The host without brackets. @throws IllegalArgumentException if it is no host name or IP address */
    private static String requireHost(String host) {
        String bare = host.length() >= 2 && host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1)
                : host;
        if (bare.isEmpty()) {
            throw new IllegalArgumentException("the proxy host is empty");
        }
        if (bare.length() > 253) {
            throw new IllegalArgumentException("the proxy host is longer than 253 characters");
        }
        boolean ipv6 = bare.indexOf(':') >= 0;
        for (int i = 0; i < bare.length(); i++) {
            char c = bare.charAt(i);
            boolean ok = ipv6
                    ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                            || c == '-' || c == '.' || c == '_';
            if (!ok) {
                throw new IllegalArgumentException("the proxy host is not a host name or IP address: "
                        + printable(bare));
            }
        }
        return bare;
    }

    private static int requirePort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the proxy port is not 1-65535: " + port);
        }
        return port;
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** At most 64 characters of {@code s}, control characters escaped, for messages. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return s.length() > 64 ? out.append("...").toString() : out.toString();
    }
}
