package org.wsbyhand.server;

/** The answer of an {@link UpgradeHook}: upgrade, or reply with an HTTP error status. */
public sealed interface UpgradeDecision {

    /** Go on with the upgrade. */
    record Accept() implements UpgradeDecision {}

    /**
     * Refuse with an HTTP status (4xx or 5xx) and a short plain-text body.
     *
     * @param status the HTTP status code, 400-599
     * @param reason the response body, for the client's developer
     */
    record Reject(int status, String reason) implements UpgradeDecision {
        /** Rejects statuses outside 400-599. */
        public Reject {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("reject status must be 400-599, was " + status);
            }
            reason = reason == null ? "" : reason;
        }
    }

    /**
     * Go on with the upgrade.
     *
     * @return the decision to accept
     */
    static UpgradeDecision accept() {
        return new Accept();
    }

    /**
     * Refuse with the given status and reason.
     *
     * @param status the HTTP status to answer with, 400 to 599
     * @param reason the reason, sent as the response body
     * @return the decision to reject
     */
    static UpgradeDecision reject(int status, String reason) {
        return new Reject(status, reason);
    }
}
