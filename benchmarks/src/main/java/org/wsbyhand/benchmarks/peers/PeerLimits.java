package org.wsbyhand.benchmarks.peers;

/** Limits every peer server is configured with, so none rejects the bulk scenario's 1 MiB messages. */
final class PeerLimits {

    /** 2 MiB: room for the 1 MiB bulk messages. */
    static final int MAX_MESSAGE = 2 << 20;

    private PeerLimits() {}
}
