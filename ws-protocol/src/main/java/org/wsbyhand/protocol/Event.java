package org.wsbyhand.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a {@link Connection} tells its caller after consuming bytes: a complete message, a control
 * frame, the peer's close or a failure. {@link Close} and {@link Failure} are terminal: at most one
 * of them comes, always last, and it takes effect when polled. Events are immutable; the arrays
 * they carry belong to the receiver.
 */
public sealed interface Event {

    /**
     * A complete, validated text message.
     *
     * @param text the message text
     */
    record Text(String text) implements Event {}

    /**
     * A complete binary message. The array is the receiver's to keep; equality compares contents.
     *
     * @param data the message payload
     */
    record Binary(byte[] data) implements Event {
        @Override
        public boolean equals(Object other) {
            return other instanceof Binary that && Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Binary[" + data.length + " bytes]";
        }
    }

    /**
     * A ping; the connection has already queued the pong (RFC 6455 section 5.5.2). Equality compares contents.
     *
     * @param payload the ping's application data
     */
    record Ping(byte[] payload) implements Event {
        @Override
        public boolean equals(Object other) {
            return other instanceof Ping that && Arrays.equals(payload, that.payload);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Ping[" + HexFormat.of().formatHex(payload) + "]";
        }
    }

    /**
     * A pong, solicited or not (section 5.5.3). Equality compares contents.
     *
     * @param payload the pong's application data
     */
    record Pong(byte[] payload) implements Event {
        @Override
        public boolean equals(Object other) {
            return other instanceof Pong that && Arrays.equals(payload, that.payload);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Pong[" + HexFormat.of().formatHex(payload) + "]";
        }
    }

    /**
     * The peer's close frame. The connection has queued the echoing close frame unless it had sent
     * one already. {@code code} is {@link CloseCode#NO_STATUS_RECEIVED} for an empty close frame.
     *
     * @param code the peer's close code
     * @param reason the peer's close reason, empty when none
     */
    record Close(CloseCode code, String reason) implements Event {}

    /**
     * The peer broke the protocol or a limit (RFC 6455 section 7.1.7, "fail the WebSocket
     * connection"). It comes after every event decoded before the violation. When it is polled,
     * the connection queues a close frame with {@link #closeCode()} (unless it had sent its close
     * frame already) and is {@link Connection.State#CLOSED}; the caller writes the outbound bytes
     * and handles the transport as {@link Connection#transportAction()} says.
     *
     * @param exception the violation, with a detail message for logs
     */
    record Failure(ProtocolException exception) implements Event {
        /** Requires the exception. */
        public Failure {
            if (exception == null) {
                throw new IllegalArgumentException("exception is required");
            }
        }

        /**
         * The rule the peer broke.
         *
         * @return the violation
         */
        public Violation violation() {
            return exception.violation();
        }

        /**
         * The close code the connection fails with.
         *
         * @return the violation's close code
         */
        public CloseCode closeCode() {
            return exception.closeCode();
        }
    }
}
