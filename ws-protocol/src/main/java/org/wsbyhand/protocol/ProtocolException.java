package org.wsbyhand.protocol;

/**
 * The remote peer broke the protocol. Carries the {@link Violation} (and so the close code the
 * connection fails with) and a detail message for logs. A {@link Connection} does not throw it but
 * delivers it in an {@link Event.Failure}; the framing layer and the decompressor throw it. Local misuse of the API, such as sending
 * after close, is an {@link IllegalStateException} instead.
 */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Violation violation;

    /**
     * A violation with its standard description as the message.
     *
     * @param violation the rule that was broken
     */
    public ProtocolException(Violation violation) {
        this(violation, null);
    }

    /**
     * A violation with a detail appended to its standard description.
     *
     * @param violation the rule that was broken
     * @param detail what exactly was wrong, appended to the message
     */
    public ProtocolException(Violation violation, String detail) {
        super(detail == null ? violation.description() : violation.description() + ": " + detail);
        this.violation = violation;
    }

    /**
     * The rule that was broken.
     *
     * @return the violation
     */
    public Violation violation() {
        return violation;
    }

    /**
     * The close code the connection fails with.
     *
     * @return the violation's close code
     */
    public CloseCode closeCode() {
        return violation.closeCode();
    }
}
