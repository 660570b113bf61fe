package org.wsbyhand.session.core;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.wsbyhand.session.PreparedMessage;

/**
 * The session machinery's way into a {@link PreparedMessage}'s encoded frames, which applications
 * never see (a writable view of a frame shared by every session must not be handed out). The API
 * package registers the one implementation when {@code PreparedMessage} is initialized.
 */
public final class PreparedFrames {
    /**
     * A message compressed once, without context, as one frame (RSV1 set).
     *
     * @param level the zlib level it was compressed at
     * @param windowBits the LZ77 window it keeps to
     * @param frame the whole frame, header included
     * @param payloadLength the compressed payload's length
     */
    public record Compressed(int level, int windowBits, byte[] frame, int payloadLength) {}

    /** What {@link PreparedMessage} gives the machinery. */
    public interface Access {
        /**
         * A fresh writable view of the message's uncompressed frame, for the write path only.
         *
         * @param message the message
         * @return a view of the shared frame bytes
         */
        ByteBuffer sharedFrame(PreparedMessage message);

        /**
         * The message compressed without context, computed once per level and window.
         *
         * @param message the message
         * @param level the zlib level
         * @param windowBits the LZ77 window, 8 to 15 bits
         * @return the compressed frame
         */
        Compressed compressed(PreparedMessage message, int level, int windowBits);
    }

    private static volatile Access access;

    private PreparedFrames() {}

    /**
     * Registers the access; called once by {@link PreparedMessage}'s static initializer.
     *
     * @param implementation the access
     * @throws IllegalStateException when one is registered already
     */
    public static synchronized void register(Access implementation) {
        if (access != null) {
            throw new IllegalStateException("already registered");
        }
        access = Objects.requireNonNull(implementation);
    }

    /**
     * The registered access.
     *
     * @return the access
     */
    public static Access access() {
        Access current = access;
        if (current == null) {
            // Initializing the class registers it.
            PreparedMessage.text("");
            current = access;
        }
        return current;
    }
}
