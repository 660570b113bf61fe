package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.wsbyhand.server.ConnectionSlots.Admission;

class ConnectionSlotsTest {
    private static final InetAddress ONE = InetAddress.getLoopbackAddress();
    private static final InetAddress TWO;

    static {
        try {
            TWO = InetAddress.getByName("127.0.0.2");
        } catch (java.net.UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Test
    void everyConnectionTakesASlotUntilItGivesItBack() {
        ConnectionSlots slots = new ConnectionSlots(2, 0);
        assertEquals(Admission.ADMITTED, slots.tryTake(ONE));
        assertEquals(Admission.ADMITTED, slots.tryTake(TWO));
        assertEquals(Admission.SERVER_FULL, slots.tryTake(ONE));
        slots.give(ONE);
        assertEquals(Admission.ADMITTED, slots.tryTake(TWO));
        assertEquals(2, slots.open());
    }

    @Test
    void anAddressAtItsLimitIsRefusedWhileOthersAreAdmitted() {
        ConnectionSlots slots = new ConnectionSlots(10, 2);
        assertEquals(Admission.ADMITTED, slots.tryTake(ONE));
        assertEquals(Admission.ADMITTED, slots.tryTake(ONE));
        assertEquals(Admission.ADDRESS_FULL, slots.tryTake(ONE));
        assertEquals(Admission.ADMITTED, slots.tryTake(TWO));
        assertEquals(3, slots.open(), "a refused connection holds no slot");
        slots.give(ONE);
        assertEquals(Admission.ADMITTED, slots.tryTake(ONE));
    }

    @Test
    void addressesWithoutConnectionsAreForgotten() {
        ConnectionSlots slots = new ConnectionSlots(10, 1);
        for (int i = 0; i < 1000; i++) {
            assertEquals(Admission.ADMITTED, slots.tryTake(ONE));
            slots.give(ONE);
        }
        assertEquals(0, slots.open());
        assertEquals(0, slots.addresses());
        assertEquals(Admission.ADMITTED, slots.tryTake(ONE), "the count started again from zero");
    }
}
