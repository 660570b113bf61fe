package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.PreparedMessage;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.SessionGroup;
import org.wsbyhand.session.WebSocketHandler;

/**
 * A {@link SessionGroup} of 1,000 sessions on real sockets: every member gets every broadcast in
 * order, a member that closes in the middle of a broadcast leaves the group by itself and never
 * disturbs the others, and a goodbye broadcast from {@code onClose} reaches everyone but the leaver.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SessionGroupIT {
    private static final int MEMBERS = 1_000;

    @Test
    void aThousandMembersGetEveryBroadcastWhileOneClosesMidBroadcast() throws Exception {
        SessionGroup room = new SessionGroup("room");
        CountDownLatch joined = new CountDownLatch(MEMBERS);
        CountDownLatch left = new CountDownLatch(1);
        AtomicInteger goodbyesSent = new AtomicInteger(-1);
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public void onOpen(Session session) {
                room.add(session);
                joined.countDown();
            }

            @Override
            public void onClose(Session session, CloseCode code, String reason) {
                // The leaver is out of the group already: this goes to the others only.
                goodbyesSent.set(room.broadcast("left " + session.id()));
                left.countDown();
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/room", handler).build()) {
            server.start();
            List<RawClient> clients = RawClient.openAll(server.port(), "/room", MEMBERS);
            assertTrue(joined.await(60, TimeUnit.SECONDS), "all joined");
            assertEquals(MEMBERS, room.size());

            assertEquals(MEMBERS, room.broadcast("one"));

            // The 500th member visited by the second broadcast is closed by the server mid-iteration.
            AtomicInteger visited = new AtomicInteger();
            AtomicReference<Session> leaver = new AtomicReference<>();
            int sent = room.broadcast(PreparedMessage.text("two"), member -> {
                if (visited.incrementAndGet() == 500) {
                    leaver.set(member);
                    member.close(CloseCode.GOING_AWAY, "kicked");
                    return true; // refused: it is closing
                }
                return true;
            });
            assertEquals(MEMBERS - 1, sent, "the closing member refused the message, everyone else took it");

            List<RawClient> stayers = new ArrayList<>();
            for (RawClient client : clients) {
                assertEquals("one", client.readFrame().text());
                RawClient.Frame next = client.readFrame();
                if (next.opcode() == 0x8) {
                    assertEquals(1001, next.closeCode());
                    client.sendClose(1001, "");
                    assertTrue(client.serverClosed());
                } else {
                    assertEquals("two", next.text());
                    stayers.add(client);
                }
            }
            assertEquals(MEMBERS - 1, stayers.size(), "exactly one member was closed");

            assertTrue(left.await(30, TimeUnit.SECONDS), "the leaver's onClose ran");
            assertEquals(MEMBERS - 1, goodbyesSent.get(), "the goodbye went to everyone but the leaver");
            assertEquals(MEMBERS - 1, room.size());
            assertFalse(room.contains(leaver.get()));
            assertEquals(MEMBERS - 1, room.broadcast("three"));
            for (RawClient client : stayers) {
                assertEquals("left " + leaver.get().id(), client.readFrame().text());
                assertEquals("three", client.readFrame().text());
            }
            for (RawClient client : clients) {
                client.close();
            }
        }
    }

}
