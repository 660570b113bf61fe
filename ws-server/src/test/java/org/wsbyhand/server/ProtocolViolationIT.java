package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.ProtocolException;
import org.wsbyhand.protocol.Violation;

/**
 * A peer that breaks RFC 6455 after the upgrade gets the violation's close code, the handler sees
 * onError then onClose, and other sessions carry on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProtocolViolationIT {
    private WebSocketServer server;
    private RecordingHandler handler;

    @BeforeEach
    void start() throws Exception {
        handler = new RecordingHandler(true);
        server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/ws", handler).maxMessageSize(1000).maxFrameSize(1000)
                .build();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void assertClosedWith(RawClient client, CloseCode expected, Violation violation) throws Exception {
        RawClient.Frame close = client.readUntilClose();
        assertEquals(expected.code(), close.closeCode());
        assertTrue(client.serverClosed(), "the server closes the TCP connection after failing it");
        RecordingHandler.Closed closed = handler.awaitClosed();
        assertEquals(expected, closed.code());
        ProtocolException error = assertInstanceOf(ProtocolException.class, closed.error());
        assertEquals(violation, error.violation());
        assertEquals(1, server.stats().closes(expected));
    }

    @Test
    void serverRejectsUnmaskedClientFrameWith1002() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/ws")) {
            client.sendFrame(true, 0x1, "plain".getBytes(), false);
            assertClosedWith(client, CloseCode.PROTOCOL_ERROR, Violation.UNMASKED_CLIENT_FRAME);
        }
    }

    @Test
    void serverRejectsInvalidUtf8With1007() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/ws")) {
            client.sendFrame(true, 0x1, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28}, true);
            assertClosedWith(client, CloseCode.INVALID_FRAME_PAYLOAD_DATA, Violation.INVALID_UTF8);
        }
    }

    @Test
    void serverRejectsOversizedMessageWith1009() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/ws")) {
            client.sendFrame(false, 0x2, new byte[600], true);
            client.sendFrame(true, 0x0, new byte[600], true);
            assertClosedWith(client, CloseCode.MESSAGE_TOO_BIG, Violation.MESSAGE_TOO_BIG);
        }
    }

    @Test
    void serverRejectsOversizedFrameWith1009AsSoonAsItsHeaderArrives() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/ws")) {
            byte[] frame = RawClient.encode(true, 0x2, new byte[5000], true);
            client.sendRaw(java.util.Arrays.copyOf(frame, 20));
            assertClosedWith(client, CloseCode.MESSAGE_TOO_BIG, Violation.FRAME_TOO_BIG);
        }
    }

    @Test
    void messagesBeforeTheViolationAreStillDelivered() throws Exception {
        try (RawClient client = RawClient.open(server.port(), "/ws")) {
            byte[] good = RawClient.encode(true, 0x1, "first".getBytes(), true);
            byte[] bad = RawClient.encode(true, 0x1, "second".getBytes(), false);
            byte[] both = new byte[good.length + bad.length];
            System.arraycopy(good, 0, both, 0, good.length);
            System.arraycopy(bad, 0, both, good.length, bad.length);
            client.sendRaw(both);
            assertClosedWith(client, CloseCode.PROTOCOL_ERROR, Violation.UNMASKED_CLIENT_FRAME);
            String[] kinds = handler.calls.stream().map(RecordingHandler.Call::kind).toArray(String[]::new);
            assertEquals(java.util.List.of("open", "text", "error", "close"), java.util.List.of(kinds));
            assertEquals("first", handler.calls.stream().filter(c -> c.kind().equals("text")).findFirst()
                    .orElseThrow().value());
        }
    }

    @Test
    void aViolationAffectsOnlyItsOwnConnection() throws Exception {
        try (RawClient good = RawClient.open(server.port(), "/ws");
                RawClient bad = RawClient.open(server.port(), "/ws")) {
            bad.sendFrame(true, 0x1, "plain".getBytes(), false);
            assertEquals(1002, bad.readUntilClose().closeCode());
            good.sendText("unaffected");
            assertEquals("unaffected", good.readFrame().text());
        }
    }

    @Test
    void firstFrameMayArriveInTheSameSegmentAsTheRequestHead() throws Exception {
        try (RawClient client = RawClient.connect(server.port())) {
            byte[] head = RawClient.upgradeRequest("/ws", RawClient.newKey()).getBytes();
            byte[] frame = RawClient.encode(true, 0x1, "eager".getBytes(), true);
            byte[] both = new byte[head.length + frame.length];
            System.arraycopy(head, 0, both, 0, head.length);
            System.arraycopy(frame, 0, both, head.length, frame.length);
            client.sendRaw(both);
            assertEquals(101, RawClient.status(client.readHead()));
            assertEquals("eager", client.readFrame().text());
        }
    }
}
