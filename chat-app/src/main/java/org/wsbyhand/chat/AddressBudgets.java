package org.wsbyhand.chat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The posting budgets of client addresses: one {@link TokenBucket} per address, in a table whose
 * size is bounded, so that clients connecting from ever new addresses cannot make it grow without
 * limit.
 *
 * <p>An IPv4 address is its own key; an IPv6 address is keyed by its first 64 bits, the smallest
 * network a single host is normally given (a host can pick any address inside it).
 *
 * <p>Forgetting: a bucket that has refilled to full holds nothing a new bucket would not, so it is
 * removed without changing any decision. Each lookup removes up to {@value #IDLE_CHECKS_PER_LOOKUP}
 * such idle buckets from the least recently used end, so the table holds roughly the addresses
 * that posted within the last {@code burst / perSecond} seconds. When it is still full (more busy
 * addresses than {@code maxAddresses}), the least recently used bucket is dropped even though it
 * is not full: that address then starts again with a full bucket. The room's budget still holds
 * then; only the fairness between addresses is weaker for the addresses dropped.
 *
 * <p>Not thread-safe: {@link PostingBudget} guards it with its lock. Times are monotonic
 * nanosecond readings passed in by the caller.
 */
final class AddressBudgets {

    /** Idle buckets looked at (and removed when full) per lookup. */
    static final int IDLE_CHECKS_PER_LOOKUP = 2;

    private final int perSecond;
    private final int burst;
    private final int maxAddresses;
    /** In access order: least recently used first. */
    private final LinkedHashMap<InetAddress, TokenBucket> buckets = new LinkedHashMap<>(64, 0.75f, true);
    private long busyEvictions;

    /**
     * An empty table.
     *
     * @param perSecond    tokens an address gains per second, at least 1
     * @param burst        the size of an address's bucket, at least 1
     * @param maxAddresses the most buckets kept, at least 1
     */
    AddressBudgets(int perSecond, int burst, int maxAddresses) {
        if (perSecond < 1 || burst < 1 || maxAddresses < 1) {
            throw new IllegalArgumentException("rate, burst and table size must be at least 1, were "
                    + perSecond + ", " + burst + " and " + maxAddresses);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.maxAddresses = maxAddresses;
    }

    /** The bucket of {@code address}'s key at {@code now}, a full one if the address has none. */
    TokenBucket bucket(InetAddress address, long now) {
        InetAddress key = key(address);
        TokenBucket bucket = buckets.get(key);
        forgetIdle(now, bucket);
        if (bucket == null) {
            if (buckets.size() >= maxAddresses) {
                Iterator<TokenBucket> eldest = buckets.values().iterator();
                if (!eldest.next().isFull(now)) {
                    busyEvictions++;
                }
                eldest.remove();
            }
            bucket = new TokenBucket(perSecond, burst, now);
            buckets.put(key, bucket);
        }
        return bucket;
    }

    /** How many addresses have a bucket now. */
    int size() {
        return buckets.size();
    }

    /** How many buckets were dropped before they had refilled, because the table was full. */
    long busyEvictions() {
        return busyEvictions;
    }

    /** Removes up to {@value #IDLE_CHECKS_PER_LOOKUP} full buckets from the least recently used end. */
    private void forgetIdle(long now, TokenBucket inUse) {
        Iterator<TokenBucket> it = buckets.values().iterator();
        for (int i = 0; i < IDLE_CHECKS_PER_LOOKUP && it.hasNext(); i++) {
            TokenBucket b = it.next();
            if (b == inUse || !b.isFull(now)) {
                return;
            }
            it.remove();
        }
    }

    /** The key an address is counted under: itself for IPv4, its /64 network for IPv6. */
    static InetAddress key(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            Arrays.fill(bytes, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(bytes);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are a valid IPv6 address", e);
            }
        }
        return address;
    }
}
