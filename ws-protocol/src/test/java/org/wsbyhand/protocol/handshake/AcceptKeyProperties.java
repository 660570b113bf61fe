package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

class AcceptKeyProperties {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /** RFC 4648 section 4 base64, written out longhand as an independent reference. */
    private static String referenceBase64(byte[] data) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < data.length; i += 3) {
            int n = (data[i] & 0xFF) << 16;
            int available = Math.min(3, data.length - i);
            if (available > 1) {
                n |= (data[i + 1] & 0xFF) << 8;
            }
            if (available > 2) {
                n |= data[i + 2] & 0xFF;
            }
            out.append(ALPHABET.charAt((n >> 18) & 63)).append(ALPHABET.charAt((n >> 12) & 63));
            out.append(available > 1 ? ALPHABET.charAt((n >> 6) & 63) : '=');
            out.append(available > 2 ? ALPHABET.charAt(n & 63) : '=');
        }
        return out.toString();
    }

    private static String referenceAccept(String key) throws NoSuchAlgorithmException {
        byte[] digest = MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
        return referenceBase64(digest);
    }

    @Property
    void acceptValueAgreesWithTheReferenceComputationForArbitraryAsciiKeys(
            @ForAll @CharRange(from = 0x20, to = 0x7E) @StringLength(max = 64) String key) throws Exception {
        assertEquals(referenceAccept(key), AcceptKey.of(key));
    }

    @Property
    void acceptValueAgreesWithTheReferenceComputationForGeneratedKeys(@ForAll long seed) throws Exception {
        String key = AcceptKey.newKey(new Random(seed));
        assertEquals(referenceAccept(key), AcceptKey.of(key));
    }

    @Property
    void newKeysAreTheReferenceBase64OfSixteenRandomBytesAndDecodeBack(@ForAll long seed) {
        byte[] nonce = new byte[16];
        new Random(seed).nextBytes(nonce);
        String key = AcceptKey.newKey(new Random(seed));
        assertEquals(referenceBase64(nonce), key);
        assertArrayEquals(nonce, AcceptKey.decode(key).orElseThrow());
    }
}
