package org.wsbyhand.server;

import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.wsbyhand.protocol.handshake.Headers;

/**
 * Conditional GET (RFC 9110 13.1.1-13.1.3, 13.2.2): whether the client's cached copy is current, so
 * that a 304 without a body can answer. {@code If-None-Match} decides when present (weak comparison,
 * {@code *} matches any file); only without it does {@code If-Modified-Since} count, to the second.
 * A value that does not parse is ignored, as the RFC asks.
 */
final class Conditional {
    private Conditional() {}

    /**
     * Whether a GET or HEAD with these request headers may be answered 304.
     *
     * @param request the request's headers
     * @param etag the file's current entity tag, if it has one
     * @param lastModified when the file last changed, epoch milliseconds, 0 when unknown
     */
    static boolean notModified(Headers request, Optional<String> etag, long lastModified) {
        List<String> noneMatch = request.tokens("If-None-Match");
        if (!noneMatch.isEmpty()) {
            if (noneMatch.contains("*")) {
                return true;
            }
            return etag.isPresent() && noneMatch.stream().anyMatch(tag -> opaque(tag).equals(opaque(etag.get())));
        }
        List<String> since = request.all("If-Modified-Since");
        if (since.size() != 1 || lastModified <= 0) {
            return false;
        }
        try {
            long clientSeconds = ZonedDateTime.parse(since.get(0).strip(), HttpResponses.HTTP_DATE_READER).toEpochSecond();
            return lastModified / 1000 <= clientSeconds;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** A tag without its weakness marker, for the weak comparison. */
    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
