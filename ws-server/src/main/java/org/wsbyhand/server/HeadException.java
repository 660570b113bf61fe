package org.wsbyhand.server;

/** A request head the server refuses, with the HTTP status to answer. */
final class HeadException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    HeadException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
