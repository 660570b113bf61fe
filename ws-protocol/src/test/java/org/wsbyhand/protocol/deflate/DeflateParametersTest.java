package org.wsbyhand.protocol.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbyhand.protocol.Role;

class DeflateParametersTest {

    @Nested
    class Validation {

        @ParameterizedTest
        @ValueSource(ints = {0, 7, 16, -1})
        void rejectsWindowSizesOutsideEightToFifteen(int bits) {
            assertThrows(IllegalArgumentException.class, () -> new DeflateParameters(false, false, bits, 15));
            assertThrows(IllegalArgumentException.class, () -> new DeflateParameters(false, false, 15, bits));
        }

        @Test
        void defaultsAreContextTakeoverWithFullWindows() {
            assertEquals(new DeflateParameters(false, false, 15, 15), DeflateParameters.defaults());
        }
    }

    @Nested
    class PerRole {

        @Test
        void eachRoleReadsItsOwnParameters() {
            DeflateParameters parameters = new DeflateParameters(true, false, 9, 12);
            assertTrue(parameters.noContextTakeover(Role.SERVER));
            assertFalse(parameters.noContextTakeover(Role.CLIENT));
            assertEquals(9, parameters.maxWindowBits(Role.SERVER));
            assertEquals(12, parameters.maxWindowBits(Role.CLIENT));
        }

        @Test
        void withClientNoContextTakeoverChangesOnlyThatFlag() {
            assertEquals(new DeflateParameters(true, true, 9, 12),
                    new DeflateParameters(true, false, 9, 12).withClientNoContextTakeover());
        }
    }
}
