package org.wsbyhand.protocol.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeflateOptionsTest {

    @Nested
    class Validation {

        @ParameterizedTest
        @ValueSource(ints = {-2, 10, 100})
        void rejectsLevelsZlibDoesNotHave(int level) {
            assertThrows(IllegalArgumentException.class, () -> DeflateOptions.defaults().withCompressionLevel(level));
        }

        @Test
        void acceptsZlibsDefaultLevelMarker() {
            assertEquals(-1, DeflateOptions.defaults().withCompressionLevel(-1).compressionLevel());
        }

        @Test
        void rejectsANegativeMinimumSize() {
            assertThrows(IllegalArgumentException.class, () -> DeflateOptions.defaults().withMinMessageSize(-1));
        }
    }

    @Nested
    class Withers {

        @Test
        void defaultsAreLevelSixThirtyTwoBytesAndContextTakeover() {
            assertEquals(new DeflateOptions(6, 32, false, false), DeflateOptions.defaults());
        }

        @Test
        void eachWitherChangesOneField() {
            DeflateOptions base = DeflateOptions.defaults();
            assertEquals(new DeflateOptions(1, 32, false, false), base.withCompressionLevel(1));
            assertEquals(new DeflateOptions(6, 0, false, false), base.withMinMessageSize(0));
            assertEquals(new DeflateOptions(6, 32, true, false), base.withServerNoContextTakeover(true));
            assertEquals(new DeflateOptions(6, 32, false, true), base.withClientNoContextTakeover(true));
            assertEquals(new DeflateOptions(6, 32, true, true), base.withNoContextTakeover());
        }
    }
}
