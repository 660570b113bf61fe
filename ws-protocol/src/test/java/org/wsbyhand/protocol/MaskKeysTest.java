package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MaskKeysTest {

    @Nested
    class Fixed {

        @Test
        void fixedKeysRepeatTheGivenKey() {
            MaskKeys keys = MaskKeys.fixed(RfcExamples.MASK_KEY);
            for (int i = 0; i < 3; i++) {
                assertEquals(0x37fa213d, keys.next());
            }
        }
    }

    @Nested
    class SecureRandom {

        @Test
        void secureRandomKeysDoNotRepeatAcrossPoolRefills() {
            // 64 keys per refill; 1000 keys span 16 refills. A repeat among 1000 random 32-bit keys has
            // probability about 1e-4, so a failure means the pool hands out stale or constant keys.
            MaskKeys keys = MaskKeys.secureRandom();
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                seen.add(keys.next());
            }
            assertTrue(seen.size() >= 999, "only " + seen.size() + " distinct keys");
        }

        @Test
        void separateSourcesDrawSeparateKeys() {
            MaskKeys a = MaskKeys.secureRandom();
            MaskKeys b = MaskKeys.secureRandom();
            int same = 0;
            for (int i = 0; i < 64; i++) {
                same += a.next() == b.next() ? 1 : 0;
            }
            assertTrue(same <= 1, same + " equal keys from two sources");
        }
    }
}
