package org.wsbyhand.chat;

import java.net.InetAddress;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Decides whether a post may be accepted, against three token buckets: the sender's connection
 * ({@link RateLimiter}), the sender's address ({@link AddressBudgets}, optional) and the room on this
 * node (one bucket for every post this node accepts). A post is accepted only when all of them
 * have a token, and then takes one from each; a refused post takes nothing from any of them.
 *
 * <p>The room's budget bounds the work of this node however many connections and addresses post:
 * every accepted message is sent to every local client, so the fan-out work per second is at most
 * the room's rate times the number of clients. The address budget keeps one address (one client
 * opening many connections) from taking the whole room's budget. Behind a reverse proxy every
 * client has the proxy's address; the address budget must then be off (an address rate of 0), or
 * the proxy's clients share one budget.
 *
 * <p>Thread-safe: the shared buckets are checked and taken under one lock, held for a few map and
 * arithmetic operations. A connection whose own bucket is empty is refused before the lock, so a
 * flooding connection does not contend for it. The clock is injected (a nanosecond counter such as
 * {@link System#nanoTime}) so tests move time by hand.
 */
final class PostingBudget {

    /** What became of a post. */
    enum Verdict {
        /** Accepted: a token was taken from every budget. */
        ACCEPTED,
        /** Refused: the connection posts faster than its own rate. */
        CONNECTION_LIMITED,
        /** Refused: the connections of this address together post faster than the address rate. */
        ADDRESS_LIMITED,
        /** Refused: the room as a whole, on this node, takes no more posts just now. */
        ROOM_LIMITED
    }

    /** The most addresses whose budget is remembered at once; see {@link AddressBudgets}. */
    static final int MAX_ADDRESSES = 10_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final LongSupplier nanoClock;
    /** Null when the address budget is off. */
    private final AddressBudgets addresses;
    private final TokenBucket room;

    /**
     * Full budgets.
     *
     * @param addressRate  posts per second per client address, 0 for no address budget
     * @param addressBurst posts an address may send at once, at least 1
     * @param roomRate     posts per second the room accepts on this node, at least 1
     * @param roomBurst    posts the room accepts at once, at least 1
     * @param maxAddresses the most addresses remembered at once, at least 1
     * @param nanoClock    a monotonic nanosecond clock
     */
    PostingBudget(int addressRate, int addressBurst, int roomRate, int roomBurst, int maxAddresses,
            LongSupplier nanoClock) {
        if (addressRate < 0) {
            throw new IllegalArgumentException("address rate must be at least 0, was " + addressRate);
        }
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        long now = nanoClock.getAsLong();
        this.addresses = addressRate == 0 ? null : new AddressBudgets(addressRate, addressBurst, maxAddresses);
        this.room = new TokenBucket(roomRate, roomBurst, now);
    }

    /**
     * Accepts a post from a connection with limiter {@code connection} and client address
     * {@code address}, taking a token from every budget, or says which budget refused it.
     */
    Verdict tryAcquire(RateLimiter connection, InetAddress address) {
        if (!connection.hasToken()) {
            return Verdict.CONNECTION_LIMITED;
        }
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            TokenBucket own = addresses == null ? null : addresses.bucket(address, now);
            if (own != null && !own.hasToken(now)) {
                return Verdict.ADDRESS_LIMITED;
            }
            if (!room.hasToken(now)) {
                return Verdict.ROOM_LIMITED;
            }
            if (own != null) {
                own.take();
            }
            room.take();
            connection.take();
            return Verdict.ACCEPTED;
        } finally {
            lock.unlock();
        }
    }

    /** How many addresses have a budget remembered now (0 when the address budget is off). */
    int rememberedAddresses() {
        lock.lock();
        try {
            return addresses == null ? 0 : addresses.size();
        } finally {
            lock.unlock();
        }
    }
}
