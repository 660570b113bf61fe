package org.wsbyhand.session.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.wsbyhand.session.PreparedMessage;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.SessionGroup;

/** A {@link SessionGroup} over real sessions on in-memory transports. */
class SessionGroupTest {

    @Test
    void theMembersSnapshotIsSharedUntilTheMembershipChanges() throws Exception {
        try (SessionHarness a = new SessionHarness(new RecordingHandler()).start();
                SessionHarness b = new SessionHarness(new RecordingHandler()).start()) {
            SessionGroup group = new SessionGroup("g");
            assertTrue(group.add(a.session));
            List<Session> first = group.members();
            assertSame(first, group.members(), "no change, no copy");

            assertTrue(group.add(b.session));
            List<Session> second = group.members();
            assertNotSame(first, second);
            assertEquals(Set.of(a.session, b.session), Set.copyOf(second));
            assertEquals(List.of(a.session), first, "a snapshot never changes");

            assertFalse(group.add(b.session), "a member already");
            assertSame(second, group.members(), "a refused add changes nothing");
            assertTrue(group.remove(a.session));
            assertEquals(List.of(b.session), group.members());
        }
    }

    @Test
    void aMemberLeavesWhenItsSessionEnds() throws Exception {
        SessionGroup group = new SessionGroup("g");
        RecordingHandler handler = new RecordingHandler();
        try (SessionHarness harness = new SessionHarness(handler)) {
            handler.onOpen = group::add;
            harness.start();
            assertTrue(group.contains(harness.session));

            harness.transport.push(ClientFrames.close(1000, ""));
            harness.awaitEnd();
            assertEquals(0, group.size());
            assertEquals(0, group.broadcast(PreparedMessage.text("after")), "nobody left to send to");
            assertFalse(group.add(harness.session), "an ended session cannot join");
        }
    }

    @Test
    void aBroadcastReachesEveryMemberThePredicatePicks() throws Exception {
        try (SessionHarness a = new SessionHarness(new RecordingHandler()).start();
                SessionHarness b = new SessionHarness(new RecordingHandler()).start()) {
            SessionGroup group = new SessionGroup("g");
            group.add(a.session);
            group.add(b.session);
            assertEquals(1, group.broadcast(PreparedMessage.text("not to a"), member -> member != a.session));
            assertEquals(2, group.broadcast("to both"));
            assertEquals(List.of("not to a", "to both"), b.awaitFrames(2).stream().map(ServerFrames.Frame::text).toList());
            assertEquals(List.of("to both"), a.awaitFrames(1).stream().map(ServerFrames.Frame::text).toList());
        }
    }
}
