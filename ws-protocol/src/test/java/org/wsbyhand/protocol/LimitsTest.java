package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LimitsTest {

    @Nested
    class Defaults {

        @Test
        void defaultsAreTheDocumentedValues() {
            Limits limits = Limits.defaults();
            assertEquals(1 << 20, limits.maxFrameSize());
            assertEquals(1 << 20, limits.maxMessageSize());
            assertEquals(16_384, limits.maxFragments());
            assertEquals(8 * 1024, limits.maxHeadSize());
            assertEquals(100, limits.maxHeaderCount());
        }
    }

    @Nested
    class Validation {

        @Test
        void nonPositiveSizesAreRejected() {
            Limits limits = Limits.defaults();
            assertThrows(IllegalArgumentException.class, () -> limits.withMaxFrameSize(0));
            assertThrows(IllegalArgumentException.class, () -> limits.withMaxMessageSize(-1));
            assertThrows(IllegalArgumentException.class, () -> limits.withMaxHeaderCount(0));
            assertThrows(IllegalArgumentException.class, () -> limits.withMaxFragments(0));
        }

        @Test
        void frameLimitBelowTheSizeOfALegalControlFrameIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> Limits.defaults().withMaxFrameSize(124));
            assertEquals(125, Limits.defaults().withMaxFrameSize(125).maxFrameSize());
        }

        @Test
        void headLimitBelow256BytesIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> Limits.defaults().withMaxHeadSize(255));
            assertEquals(256, Limits.defaults().withMaxHeadSize(256).maxHeadSize());
        }
    }

    @Nested
    class Copies {

        @Test
        void eachWitherChangesOnlyItsOwnLimit() {
            Limits base = new Limits(130, 20, 7, 300, 40);
            assertEquals(new Limits(131, 20, 7, 300, 40), base.withMaxFrameSize(131));
            assertEquals(new Limits(130, 21, 7, 300, 40), base.withMaxMessageSize(21));
            assertEquals(new Limits(130, 20, 8, 300, 40), base.withMaxFragments(8));
            assertEquals(new Limits(130, 20, 7, 301, 40), base.withMaxHeadSize(301));
            assertEquals(new Limits(130, 20, 7, 300, 41), base.withMaxHeaderCount(41));
        }
    }
}
