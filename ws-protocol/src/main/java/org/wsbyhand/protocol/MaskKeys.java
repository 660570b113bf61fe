package org.wsbyhand.protocol;

import java.security.SecureRandom;

/**
 * Where a client's 32-bit frame mask keys come from. RFC 6455 section 5.3 requires them to be
 * unpredictable, so the default draws from {@link SecureRandom}; tests inject a fixed sequence to
 * check client frames byte for byte.
 */
@FunctionalInterface
public interface MaskKeys {

    /**
     * The next mask key; its big-endian bytes are the four masking-key octets.
     *
     * @return the next 32-bit mask key
     */
    int next();

    /**
     * Keys from a {@link SecureRandom}, drawn 64 at a time (one {@code nextBytes} call) to amortize
     * its cost. The returned source is not thread-safe: use one per connection (as
     * {@link Connection} does), not one shared by connections on different threads.
     *
     * @return a new source of random mask keys
     */
    static MaskKeys secureRandom() {
        return new SecureRandomMaskKeys();
    }

    /**
     * The same key every time (for tests and the RFC's examples).
     *
     * @param key the mask key to return every time
     * @return a source that always returns {@code key}
     */
    static MaskKeys fixed(int key) {
        return () -> key;
    }
}
