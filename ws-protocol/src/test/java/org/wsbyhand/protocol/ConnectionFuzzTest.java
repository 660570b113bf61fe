package org.wsbyhand.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes a {@link Connection} without extensions, in the server and in the client role: the peer's
 * bytes in any chunking and kind of buffer, interleaved with polls and with the application's sends,
 * closes and transport end as the fuzzer chooses, under small frame and message limits. The script
 * layout and every invariant checked are described on {@link ConnectionScript}.
 */
class ConnectionFuzzTest {

    @FuzzTest(maxDuration = "90s")
    void connectionKeepsTheProtocolWhateverThePeerSendsAndTheApplicationDoes(byte[] input) {
        ConnectionScript.play(input, false);
    }
}
