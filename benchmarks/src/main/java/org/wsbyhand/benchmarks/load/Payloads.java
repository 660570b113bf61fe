package org.wsbyhand.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Message contents the load tool can check on return: message {@code seq} of a connection is
 * {@code size} bytes of one array starting at {@link #offset}{@code (seq)}, and consecutive
 * messages differ, so a lost, duplicated or reordered echo is (almost always) a different byte
 * sequence.
 *
 * <ul>
 *   <li>{@link #pattern}: windows of a fixed pattern starting at {@code seq mod 26}; text messages are
 *       ASCII letters. Cheap, and what the uncompressed scenarios always sent.
 *   <li>{@link #chat}: chat messages in JSON, {@code {"id":...,"type":"chat","room":"general","user":"alice","text":"..."}},
 *       each exactly {@code size} bytes, for the compressed scenarios: a compressor meets the repeated
 *       keys and names and the varied words of real chat traffic. There are enough distinct messages
 *       (at least 26, and at least 64 KiB of them) that a message is never a copy of one still in a
 *       32 KiB deflate window, which would make compression unrealistically cheap.
 * </ul>
 */
final class Payloads {

    private static final int PERIOD = 26;
    private static final int CHAT_CYCLE_BYTES = 64 * 1024;
    private static final String[] USERS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    private static final String[] WORDS = ("the a to and of is in it you that for on with are this be have was not at "
            + "but we they so what if just can will about up out do my your meeting today tomorrow lunch deploy build "
            + "release review ticket bug fix test server client message thanks sure ok great sounds good later please "
            + "check merge branch coffee call room link doc update status ready done").split(" ");

    private final byte[] data;
    private final int size;
    private final int count;
    private final int stride;

    private Payloads(byte[] data, int size, int count, int stride) {
        this.data = data;
        this.size = size;
        this.count = count;
        this.stride = stride;
    }

    /** Windows of a fixed pattern: ASCII letters for text, mixed bytes for binary. */
    static Payloads pattern(int size, boolean binary) {
        byte[] pattern = new byte[size + PERIOD];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = binary ? (byte) (i * 7 + (i >>> 8)) : (byte) ('a' + i % PERIOD);
        }
        return new Payloads(pattern, size, PERIOD, 1);
    }

    /** Chat JSON text messages of exactly {@code size} ASCII bytes each (cut short below ~60 bytes). */
    static Payloads chat(int size) {
        int count = Math.max(PERIOD, (CHAT_CYCLE_BYTES + size - 1) / Math.max(size, 1));
        byte[] data = new byte[count * size];
        Random random = new Random(16); // the same messages in every run
        for (int k = 0; k < count; k++) {
            byte[] message = chatMessage(k, size, random);
            System.arraycopy(message, 0, data, k * size, size);
        }
        return new Payloads(data, size, count, size);
    }

    /**
     * One chat message whose text is filled with words to exactly {@code size} bytes (the last word
     * cut). Below the skeleton's ~70 bytes the message is its first {@code size} bytes, still
     * distinct through the id, which comes first.
     */
    private static byte[] chatMessage(int k, int size, Random random) {
        String head = "{\"id\":" + (100_000 + k) + ",\"type\":\"chat\",\"room\":\"general\",\"user\":\""
                + USERS[random.nextInt(USERS.length)] + "\",\"text\":\"";
        String tail = "\"}";
        StringBuilder json = new StringBuilder(size + 16).append(head);
        while (json.length() + tail.length() < size) {
            String word = WORDS[random.nextInt(WORDS.length)];
            json.append(json.length() == head.length() ? "" : " ").append(word);
        }
        if (json.length() + tail.length() > size) {
            json.setLength(Math.max(0, size - tail.length()));
        }
        byte[] bytes = json.append(tail).toString().getBytes(StandardCharsets.US_ASCII);
        byte[] exact = new byte[size];
        System.arraycopy(bytes, 0, exact, 0, size);
        return exact;
    }

    int size() {
        return size;
    }

    /** The array all messages are taken from; message {@code seq} is {@code size} bytes from {@link #offset}. */
    byte[] pattern() {
        return data;
    }

    int offset(long seq) {
        return (int) (seq % count) * stride;
    }
}
