package org.wsbyhand.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed HTTP/1.1 request head (RFC 7230 section 3) as the server needs it: request line and
 * header fields in order. Interim: becomes a thin view of the protocol module's {@code HttpRequest}
 * once it is published.
 *
 * @param method  the request method, case-sensitive
 * @param target  the raw request target (origin-form: path and optional query)
 * @param version the HTTP version, e.g. {@code HTTP/1.1}
 * @param names   header field names, in order
 * @param values  header field values (whitespace trimmed), parallel to {@code names}
 */
record RequestHead(String method, String target, String version, List<String> names, List<String> values) {

    RequestHead {
        names = List.copyOf(names);
        values = List.copyOf(values);
    }

    /** The first value of a header, names compared case-insensitively (RFC 7230 3.2). */
    Optional<String> header(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return Optional.of(values.get(i));
            }
        }
        return Optional.empty();
    }

    /** Every value of a header, in order. */
    List<String> headers(String name) {
        List<String> all = new ArrayList<>(1);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                all.add(values.get(i));
            }
        }
        return all;
    }

    /** The comma-separated tokens of every field with this name, lower-cased (RFC 7230 7). */
    List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>();
        for (String value : headers(name)) {
            for (String token : value.split(",")) {
                String trimmed = token.trim();
                if (!trimmed.isEmpty()) {
                    tokens.add(trimmed.toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }

    /** The path part of the target, still percent-encoded. */
    String rawPath() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The query without '?', or empty. */
    String rawQuery() {
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }

    /** Whether the client asks to switch protocols at all (any {@code Upgrade} header). */
    boolean isUpgrade() {
        return header("Upgrade").isPresent();
    }
}
