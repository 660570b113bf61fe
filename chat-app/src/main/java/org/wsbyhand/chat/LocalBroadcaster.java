package org.wsbyhand.chat;

import java.util.Objects;

/**
 * The default {@link Broadcaster} for a room that lives on one node: publishing delivers straight
 * to this process's clients. It never fails.
 */
public final class LocalBroadcaster implements Broadcaster {

    private final LocalClients clients;

    /** Delivers to {@code clients}. */
    public LocalBroadcaster(LocalClients clients) {
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    @Override
    public void publish(ChatMessage message) {
        clients.deliver(message);
    }
}
