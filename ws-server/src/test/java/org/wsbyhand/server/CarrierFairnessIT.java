package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * More clients than the server has carrier threads send compressed messages without pause, each
 * inflating to a megabyte, against a server in a JVM of its own. Inflating takes the server far
 * longer than sending takes the client, so their readers never wait for bytes, and a virtual thread
 * that never blocks keeps its carrier: unless readers step aside, these clients hold every carrier
 * and nobody else is served (not even accepted) until they stop.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CarrierFairnessIT {
    /** The server's carrier threads: fewer than the clients that flood it. */
    private static final int CARRIERS = 2;

    /** Raw DEFLATE of {@code data}, sync-flushed, without the 00 00 ff ff tail (RFC 7692 7.2.1). */
    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(9, true);
        try {
            deflater.setInput(data);
            byte[] out = new byte[data.length / 100 + 1024];
            int size = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            return Arrays.copyOf(out, size - 4);
        } finally {
            deflater.end();
        }
    }

    @Test
    void clientsThatKeepEveryCarrierBusyDoNotStarveOthers() throws Exception {
        try (ForkedServer server = new ForkedServer("fairness-target", "-Xmx256m",
                "-Djdk.virtualThreadScheduler.parallelism=" + CARRIERS,
                "-Djdk.virtualThreadScheduler.maxPoolSize=" + CARRIERS);
                HealthyClient healthy = new HealthyClient(server.port(), "/echo", () -> 0)) {
            // A compressed message of about 1 KB that the server inflates to 1 MiB: inflating takes
            // the server far longer than sending takes the client, so the socket never runs dry
            // and a reader that does not step aside never has to wait for bytes.
            byte[] frame = RawClient.encode(true, 4, 0x2, deflate(new byte[(1 << 20) - 64]), true);
            long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            List<Thread> flooders = new ArrayList<>();
            for (int i = 0; i < CARRIERS + 1; i++) {
                RawClient flooder = RawClient.connect(server.port());
                String head = flooder.request(RawClient.upgradeRequest("/sink", RawClient.newKey(),
                        "Sec-WebSocket-Extensions: permessage-deflate\r\n"));
                assertTrue(head.contains("permessage-deflate"), head);
                // Platform threads in this JVM, like clients on another machine.
                flooders.add(Thread.ofPlatform().daemon().start(() -> {
                    try {
                        while (System.nanoTime() - stopAt < 0) {
                            flooder.sendRaw(frame);
                        }
                        flooder.close();
                    } catch (IOException e) {
                        String close;
                        try {
                            close = "close " + flooder.readUntilClose().closeCode();
                        } catch (IOException again) {
                            close = again.toString();
                        }
                        throw new UncheckedIOException(close, e);
                    }
                }));
            }
            int before = healthy.roundTrips();
            for (Thread flooder : flooders) {
                flooder.join(30_000);
            }
            // Starved, the healthy client would wait the whole eight seconds of the flood.
            healthy.assertNeverSlowerThan(Duration.ofSeconds(4));
            assertTrue(healthy.roundTrips() - before >= 20,
                    (healthy.roundTrips() - before) + " round trips during the flood");
            server.assertEchoes();
        }
    }
}
