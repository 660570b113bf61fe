package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RoleTest {

    @Nested
    class Peer {

        @Test
        void theClientsPeerIsTheServer() {
            assertEquals(Role.SERVER, Role.CLIENT.peer());
        }

        @Test
        void theServersPeerIsTheClient() {
            assertEquals(Role.CLIENT, Role.SERVER.peer());
        }
    }
}
