package org.wsbyhand.benchmarks.load;

/**
 * The client source addresses 127.0.0.FROM to 127.0.0.TO ({@code --source-from 2 --source-to 251}),
 * taken in turn. Linux routes all of 127.0.0.0/8 to loopback, and each source address has its
 * own ephemeral ports, so many addresses let one machine open far more connections to one server
 * port than the ~28,000 ephemeral ports of a single address would. Two load tools that together
 * hold one server's connections get disjoint ranges, so they never compete for a port.
 */
final class SourceAddresses {

    private final int from;
    private final int count;

    SourceAddresses(int from, int to) {
        if (from < 1 || to > 254 || from > to) {
            throw new IllegalArgumentException("source addresses 127.0.0." + from + "-" + to + ": need 1 <= from <= to <= 254");
        }
        this.from = from;
        this.count = to - from + 1;
    }

    static SourceAddresses from(Options options) {
        return new SourceAddresses(options.integer("source-from", 2), options.integer("source-to", 251));
    }

    /** The source address of the {@code i}-th connection. */
    String address(int i) {
        return "127.0.0." + (from + Math.floorMod(i, count));
    }
}
