package org.wsbyhand.server;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission of accepted sockets: every open connection, whatever it is doing (TLS or the HTTP head
 * in progress, a plain HTTP answer, a WebSocket session), holds one of
 * {@link ServerConfig#maxConnections()} slots, and, when {@link ServerConfig#maxConnectionsPerAddress()}
 * is set, one of its client address's slots. The map of addresses holds only addresses with open
 * connections, so it is bounded by the connection limit.
 */
final class ConnectionSlots {

    /** Why a connection was not admitted, or {@link #ADMITTED}. */
    enum Admission {
        ADMITTED, SERVER_FULL, ADDRESS_FULL
    }

    private final int max;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    ConnectionSlots(int max, int maxPerAddress) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes a slot for a connection from {@code address}; nothing is taken unless admitted. */
    Admission tryTake(InetAddress address) {
        while (true) {
            int now = open.get();
            if (now >= max) {
                return Admission.SERVER_FULL;
            }
            if (open.compareAndSet(now, now + 1)) {
                break;
            }
        }
        if (maxPerAddress > 0 && !tryTakeForAddress(address)) {
            open.decrementAndGet();
            return Admission.ADDRESS_FULL;
        }
        return Admission.ADMITTED;
    }

    /** Gives back the slot of an admitted connection from {@code address}. */
    void give(InetAddress address) {
        if (maxPerAddress > 0) {
            // Decrement and drop the entry at zero atomically, so a concurrent take sees a fresh entry.
            perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() == 0 ? null : count);
        }
        open.decrementAndGet();
    }

    /** Open connections now. */
    int open() {
        return open.get();
    }

    /** Addresses with open connections counted now (for tests: the map never outgrows them). */
    int addresses() {
        return perAddress.size();
    }

    private boolean tryTakeForAddress(InetAddress address) {
        boolean[] taken = {false};
        perAddress.compute(address, (a, count) -> {
            if (count == null) {
                count = new AtomicInteger();
            }
            if (count.get() < maxPerAddress) {
                count.incrementAndGet();
                taken[0] = true;
            }
            return count.get() == 0 ? null : count;
        });
        return taken[0];
    }
}
