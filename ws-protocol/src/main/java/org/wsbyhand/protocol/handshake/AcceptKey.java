package org.wsbyhand.protocol.handshake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The {@code Sec-WebSocket-Key} / {@code Sec-WebSocket-Accept} pair of RFC 6455 sections 1.3 and
 * 4.1: a client sends a fresh random nonce, the server proves it read the request as a WebSocket
 * handshake by hashing the nonce with a GUID no HTTP server would know.
 */
public final class AcceptKey {

    /** The GUID of RFC 6455 section 1.3, appended to the key before hashing. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** RFC 6455 4.1: the nonce is 16 random bytes. */
    public static final int NONCE_LENGTH = 16;

    private AcceptKey() {
    }

    /**
     * The {@code Sec-WebSocket-Accept} value for a key: base64(SHA-1(key + GUID)), the key taken
     * as sent (RFC 6455 4.2.2 item 5.4, not base64-decoded). Example from section 1.3:
     * {@code dGhlIHNhbXBsZSBub25jZQ==} gives {@code s3pPLMBiTxaQ9kYGzzhZRbK+xOo=}.
     *
     * @param secWebSocketKey the {@code Sec-WebSocket-Key} value of the request
     * @return the matching {@code Sec-WebSocket-Accept} value
     * @throws IllegalArgumentException if the key has characters beyond US-ASCII (a valid key is
     *                                  base64 and the caller checked it with {@link #decode(String)})
     */
    public static String of(String secWebSocketKey) {
        Objects.requireNonNull(secWebSocketKey, "secWebSocketKey");
        for (int i = 0; i < secWebSocketKey.length(); i++) {
            if (secWebSocketKey.charAt(i) > 0x7F) {
                throw new IllegalArgumentException("key is not US-ASCII");
            }
        }
        MessageDigest sha1 = sha1();
        sha1.update(secWebSocketKey.getBytes(StandardCharsets.US_ASCII));
        sha1.update(GUID.getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(sha1.digest());
    }

    /**
     * A fresh {@code Sec-WebSocket-Key}: 16 bytes from {@code random}, base64-encoded (24
     * characters ending in {@code ==}). RFC 6455 4.1 wants the nonce randomly selected per
     * connection, so production code passes a {@link java.security.SecureRandom}; tests pass a
     * seeded generator.
     *
     * @param random the source of the 16 random bytes
     * @return the new key
     */
    public static String newKey(RandomGenerator random) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /**
     * The nonce of a received key if it is valid per RFC 6455 4.2.1 item 5: exactly the 24
     * characters of padded base64 (RFC 4648 alphabet) encoding 16 bytes. Unpadded keys, which
     * {@link Base64.Decoder} would tolerate, are refused; like other implementations, non-zero
     * bits in the last character's unused part are not checked.
     *
     * @param secWebSocketKey the {@code Sec-WebSocket-Key} value of a request
     * @return the 16 decoded bytes, or empty when the key is not valid
     */
    public static Optional<byte[]> decode(String secWebSocketKey) {
        if (secWebSocketKey == null || secWebSocketKey.length() != 24 || !secWebSocketKey.endsWith("==")) {
            return Optional.empty();
        }
        try {
            byte[] nonce = Base64.getDecoder().decode(secWebSocketKey);
            return nonce.length == NONCE_LENGTH ? Optional.of(nonce) : Optional.empty();
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to implement SHA-1 (MessageDigest javadoc).
            throw new IllegalStateException("SHA-1 is missing from this Java platform", e);
        }
    }
}
