package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The memory budget's split into promised shares and a shared half, and each connection's count. */
class MemoryPoolTest {

    /** 1 MiB for 8 connections: 64 KiB promised to each, 512 KiB shared, at most 256 KiB of it per connection. */
    private static MemoryPool pool() {
        return new MemoryPool(1 << 20, 8);
    }

    @Nested
    class Split {
        @Test
        void halfTheBudgetIsPromisedInEqualSharesAndAConnectionTakesAtMostHalfOfTheRest() {
            MemoryPool pool = pool();
            assertEquals(64 * 1024, pool.share());
            assertEquals(256 * 1024, pool.connectionLimit());
        }
    }

    @Nested
    class Shares {
        @Test
        void bytesWithinTheShareNeverTouchTheSharedHalf() {
            MemoryPool pool = pool();
            SessionMemory memory = new SessionMemory(pool);
            assertTrue(memory.tryReserve(64 * 1024));
            assertEquals(0, pool.sharedInUse());
            assertTrue(memory.tryReserve(1));
            assertEquals(1, pool.sharedInUse());
        }

        @Test
        void aConnectionWithinItsShareIsServedWhenTheSharedHalfIsUsedUp() {
            MemoryPool pool = pool();
            SessionMemory greedy = new SessionMemory(pool);
            SessionMemory alsoGreedy = new SessionMemory(pool);
            assertTrue(greedy.tryReserve(64 * 1024 + 256 * 1024));
            assertTrue(alsoGreedy.tryReserve(64 * 1024 + 256 * 1024));
            assertEquals(512 * 1024, pool.sharedInUse());
            SessionMemory modest = new SessionMemory(pool);
            assertTrue(modest.tryReserve(64 * 1024), "its share is promised");
            assertFalse(modest.tryReserve(1), "beyond it, nothing is left");
        }

        @Test
        void noConnectionTakesMoreThanHalfTheSharedPart() {
            SessionMemory memory = new SessionMemory(pool());
            assertTrue(memory.tryReserve(64 * 1024 + 256 * 1024));
            assertFalse(memory.tryReserve(1));
            assertEquals(64 * 1024 + 256 * 1024, memory.held());
        }

        @Test
        void theTotalHeldNeverExceedsTheBudgetWhateverConnectionsAsk() {
            MemoryPool pool = pool();
            List<SessionMemory> connections = new ArrayList<>();
            long granted = 0;
            for (int i = 0; i < 8; i++) {
                SessionMemory memory = new SessionMemory(pool);
                connections.add(memory);
                for (int ask = 0; ask < 100; ask++) {
                    if (memory.tryReserve(10_000 + 997L * ask)) {
                        granted += 10_000 + 997L * ask;
                    }
                }
            }
            assertTrue(granted <= pool.budget(), granted + " granted of " + pool.budget());
            assertEquals(granted, connections.stream().mapToLong(SessionMemory::held).sum());
        }
    }

    @Nested
    class Giving {
        @Test
        void releasedBytesGoBackToTheSharedHalfFirst() {
            MemoryPool pool = pool();
            SessionMemory memory = new SessionMemory(pool);
            memory.tryReserve(100 * 1024);
            assertEquals(36 * 1024, pool.sharedInUse());
            memory.release(50 * 1024);
            assertEquals(0, pool.sharedInUse());
            assertEquals(50 * 1024, memory.held());
        }

        @Test
        void closingGivesEverythingBackAndRefusesWhatComesAfter() {
            MemoryPool pool = pool();
            SessionMemory memory = new SessionMemory(pool);
            memory.tryReserve(200 * 1024);
            memory.close();
            assertEquals(0, pool.sharedInUse());
            assertEquals(0, memory.held());
            assertFalse(memory.tryReserve(1));
            memory.release(10); // a late release after the end changes nothing
            assertEquals(0, pool.sharedInUse());
        }
    }

    @Nested
    class Outbound {
        @Test
        void unsentBytesAreSettledToWhatIsQueued() {
            MemoryPool pool = pool();
            SessionMemory memory = new SessionMemory(pool);
            assertTrue(memory.reserveOutbound(100_000));
            assertTrue(memory.settleOutbound(30_000), "compression made it smaller");
            assertEquals(30_000, memory.held());
            assertTrue(memory.settleOutbound(0), "written");
            assertEquals(0, memory.held());
            assertEquals(0, pool.sharedInUse());
        }

        @Test
        void bytesQueuedWithoutRoomAreCountedAndReportedSoTheSessionCloses() {
            MemoryPool pool = pool();
            SessionMemory memory = new SessionMemory(pool);
            assertFalse(memory.settleOutbound(400 * 1024), "pongs queued past the connection's limit");
            assertEquals(400 * 1024, memory.held());
            memory.close();
            assertEquals(0, pool.sharedInUse());
        }
    }
}
