package org.wsbyhand.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** Byte helpers shared by the tests: hex literals, payloads, and ways to cut a byte stream into chunks. */
final class Wire {

    private Wire() {}

    /** Bytes from hex digits; spaces are ignored ("81 05 48 65"). */
    static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits.replace(" ", ""));
    }

    /** Lower-case hex of some bytes, for readable assertion messages. */
    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Concatenates byte arrays. */
    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** {@code length} pseudo-random bytes, the same for the same seed. */
    static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** {@code length} bytes counting 0, 1, 2, ... modulo 256. */
    static byte[] counting(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    /** The bytes in two parts, cut at {@code offset}. */
    static List<byte[]> splitAt(byte[] bytes, int offset) {
        return List.of(java.util.Arrays.copyOfRange(bytes, 0, offset),
                java.util.Arrays.copyOfRange(bytes, offset, bytes.length));
    }

    /** The bytes one at a time. */
    static List<byte[]> byteByByte(byte[] bytes) {
        List<byte[]> chunks = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            chunks.add(new byte[] {b});
        }
        return chunks;
    }

    /** The bytes cut into chunks of the given sizes, used in turn and repeated until the bytes run out. */
    static List<byte[]> chunked(byte[] bytes, List<Integer> sizes) {
        List<byte[]> chunks = new ArrayList<>();
        int at = 0;
        for (int i = 0; at < bytes.length; i++) {
            int size = Math.max(1, sizes.get(i % sizes.size()));
            int end = Math.min(bytes.length, at + size);
            chunks.add(java.util.Arrays.copyOfRange(bytes, at, end));
            at = end;
        }
        return chunks;
    }

    /**
     * Every way the tests cut a stream: whole, at every split offset into two parts, and byte by byte.
     * Each entry is named for assertion messages.
     */
    static List<Chunking> everyChunking(byte[] bytes) {
        List<Chunking> all = new ArrayList<>();
        all.add(new Chunking("whole", List.of(bytes.clone())));
        for (int offset = 0; offset <= bytes.length; offset++) {
            all.add(new Chunking("split at " + offset, splitAt(bytes, offset)));
        }
        all.add(new Chunking("byte by byte", byteByByte(bytes)));
        return all;
    }

    /**
     * Cuts for a stream too long to split at every offset: whole, byte by byte, and split at every
     * offset within {@code edge} bytes of the start and of the end, and at every 997th offset between.
     */
    static List<Chunking> edgeChunkings(byte[] bytes, int edge) {
        List<Chunking> all = new ArrayList<>();
        all.add(new Chunking("whole", List.of(bytes.clone())));
        for (int offset = 0; offset <= bytes.length; offset++) {
            if (offset <= edge || offset >= bytes.length - edge || offset % 997 == 0) {
                all.add(new Chunking("split at " + offset, splitAt(bytes, offset)));
            }
        }
        all.add(new Chunking("byte by byte", byteByByte(bytes)));
        return all;
    }

    /** A named way of cutting a byte stream into chunks. Each chunk is a fresh array (decoders unmask in place). */
    record Chunking(String name, List<byte[]> chunks) {
        List<ByteBuffer> buffers() {
            List<ByteBuffer> buffers = new ArrayList<>(chunks.size());
            for (byte[] chunk : chunks) {
                buffers.add(ByteBuffer.wrap(chunk.clone()));
            }
            return buffers;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Everything a connection queued for the transport, concatenated. */
    static byte[] drain(Connection connection) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer buffer = connection.pollOutbound(); buffer != null; buffer = connection.pollOutbound()) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    /** Every event a connection has, in order. */
    static List<Event> events(Connection connection) {
        List<Event> events = new ArrayList<>();
        for (Event event = connection.pollEvent(); event != null; event = connection.pollEvent()) {
            events.add(event);
        }
        return events;
    }
}
