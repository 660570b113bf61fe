package org.wsbyhand.benchmarks.load;

/**
 * Message contents the load tool can check on return: message {@code seq} of a connection is a
 * window of a fixed pattern starting at {@code seq mod 26}, so a lost, duplicated or reordered
 * echo is (almost always) a different byte sequence. Text messages are ASCII letters.
 */
final class Payloads {

    private static final int PERIOD = 26;

    private final byte[] pattern;
    private final int size;

    Payloads(int size, boolean binary) {
        this.size = size;
        this.pattern = new byte[size + PERIOD];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = binary ? (byte) (i * 7 + (i >>> 8)) : (byte) ('a' + i % PERIOD);
        }
    }

    int size() {
        return size;
    }

    /** The pattern array; message {@code seq} is {@code size} bytes from {@link #offset}. */
    byte[] pattern() {
        return pattern;
    }

    int offset(long seq) {
        return (int) (seq % PERIOD);
    }
}
