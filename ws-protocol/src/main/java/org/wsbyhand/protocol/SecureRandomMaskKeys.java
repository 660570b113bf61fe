package org.wsbyhand.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * Mask keys from a {@link SecureRandom}, drawn 64 at a time with one {@code nextBytes} call, which
 * costs far less per key than 64 {@code nextInt} calls. Not thread-safe: one per connection.
 */
final class SecureRandomMaskKeys implements MaskKeys {

    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final SecureRandom random = new SecureRandom();
    private final byte[] pool = new byte[64 * Integer.BYTES];
    private int index = pool.length;

    @Override
    public int next() {
        if (index == pool.length) {
            random.nextBytes(pool);
            index = 0;
        }
        int key = (int) INTS.get(pool, index);
        index += Integer.BYTES;
        return key;
    }
}
