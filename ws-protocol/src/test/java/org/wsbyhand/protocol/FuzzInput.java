package org.wsbyhand.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads a fuzzer's raw input from the front as a small script: single bytes for choices, lengths
 * and flags, then runs of raw bytes. Every fuzz target of this module takes a {@code byte[]} and
 * reads it through this class, so that a corpus file is a plain byte string that can be written by
 * hand (see the seed writer in the tests) and read in a hex dump. Reading past the end yields zeros and empty
 * runs, so every byte string is a valid input.
 */
public final class FuzzInput {

    private final byte[] data;
    private int position;

    /** A reader of {@code data} from its first byte. */
    public FuzzInput(byte[] data) {
        this.data = data;
    }

    /** Whether unread bytes are left. */
    public boolean hasMore() {
        return position < data.length;
    }

    /** How many bytes are left. */
    public int remaining() {
        return data.length - position;
    }

    /** The next byte as 0-255, or 0 past the end. */
    public int nextByte() {
        return position < data.length ? data[position++] & 0xFF : 0;
    }

    /** The next {@code length} bytes, fewer if the input ends first. */
    public byte[] nextBytes(int length) {
        int n = Math.min(length, remaining());
        byte[] bytes = Arrays.copyOfRange(data, position, position + n);
        position += n;
        return bytes;
    }

    /** A length byte, then that many bytes: the usual way a target reads a variable-size run. */
    public byte[] nextRun() {
        return nextBytes(nextByte());
    }

    /** Everything not read yet. */
    public byte[] rest() {
        return nextBytes(remaining());
    }

    /**
     * How a byte string is cut into chunks and what kind of buffer carries each: read from the
     * input as a count (0-7) of chunk sizes (each 1-256), used in turn and repeated as in
     * {@code Wire.chunked}, then one byte choosing the buffer kind. No sizes means one chunk.
     */
    public Chunker nextChunker() {
        int count = nextByte() & 7;
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) {
            sizes[i] = nextByte() + 1;
        }
        return new Chunker(sizes, BufferKind.values()[nextByte() % BufferKind.values().length]);
    }

    /** The kinds of {@link ByteBuffer} a caller may hand to the code under test. */
    public enum BufferKind {
        /** A heap buffer over a fresh array of exactly the chunk. */
        HEAP,
        /** A heap buffer whose array has bytes before and after the chunk (non-zero array offset and limit). */
        HEAP_SLICE,
        /** A direct buffer. */
        DIRECT,
        /** A read-only view of a heap buffer (no accessible array). */
        READ_ONLY;

        /** A buffer of this kind whose remaining bytes are {@code bytes}. */
        public ByteBuffer wrap(byte[] bytes) {
            return switch (this) {
                case HEAP -> ByteBuffer.wrap(bytes.clone());
                case HEAP_SLICE -> {
                    byte[] padded = new byte[bytes.length + 7];
                    Arrays.fill(padded, (byte) 0xA5);
                    System.arraycopy(bytes, 0, padded, 3, bytes.length);
                    yield ByteBuffer.wrap(padded, 3, bytes.length).slice();
                }
                case DIRECT -> ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
                case READ_ONLY -> ByteBuffer.wrap(bytes.clone()).asReadOnlyBuffer();
            };
        }
    }

    /** Cuts byte strings into chunks of the sizes it was given, in turn. */
    public record Chunker(int[] sizes, BufferKind kind) {

        /** The chunks of {@code bytes}, each a buffer of this chunker's kind; one chunk when it has no sizes. */
        public java.util.List<ByteBuffer> cut(byte[] bytes) {
            java.util.List<ByteBuffer> chunks = new java.util.ArrayList<>();
            if (sizes.length == 0) {
                chunks.add(kind.wrap(bytes));
                return chunks;
            }
            int at = 0;
            for (int i = 0; at < bytes.length; i++) {
                int end = Math.min(bytes.length, at + sizes[i % sizes.length]);
                chunks.add(kind.wrap(Arrays.copyOfRange(bytes, at, end)));
                at = end;
            }
            return chunks;
        }
    }
}
