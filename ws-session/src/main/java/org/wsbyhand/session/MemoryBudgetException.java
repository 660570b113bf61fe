package org.wsbyhand.session;

import java.io.IOException;

/**
 * Passed to {@link WebSocketHandler#onError} when a session was closed because the server's memory
 * budget ({@code memoryBudget} in the server's configuration) had no room for the bytes it was to send: the
 * session already held more than its share of the budget in unsent bytes while the shared part was
 * used up. The server sent close code 1013 (Try Again Later). A message the client sent that found
 * no room is reported as a {@link org.wsbyhand.protocol.ProtocolException} with
 * {@link org.wsbyhand.protocol.Violation#MEMORY_BUDGET_EXCEEDED}, also with 1013.
 */
public final class MemoryBudgetException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The exception. */
    public MemoryBudgetException() {
        super("no room in the server's memory budget for this session's unsent bytes");
    }
}
