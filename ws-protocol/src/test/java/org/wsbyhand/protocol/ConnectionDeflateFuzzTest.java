package org.wsbyhand.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes a {@link Connection} that agreed on permessage-deflate, in both roles, with the agreement
 * (context takeover each way, window sizes the Deflater can or cannot keep to) and this side's
 * options (level, minimum size) taken from the input. Compressed and uncompressed messages from the
 * peer, fragmented or not, meet the application's sends; besides the invariants of
 * {@link ConnectionScript}, the peer inflates every compressed message the connection sends, RSV1
 * marks exactly the messages that should be compressed, and the zlib streams are ended once the
 * connection is CLOSED.
 */
class ConnectionDeflateFuzzTest {

    @FuzzTest(maxDuration = "90s")
    void compressingConnectionKeepsTheProtocolWhateverThePeerSendsAndTheApplicationDoes(byte[] input) {
        ConnectionScript.play(input, true);
    }
}
