package org.wsbyhand.protocol.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class HuffmanCodesProperties {

    /** Frequency tables of up to 286 symbols, often sparse, sometimes Fibonacci-skewed to force long codes. */
    @Provide
    Arbitrary<int[]> frequencies() {
        Arbitrary<int[]> sparse = Arbitraries.integers().between(0, 1 << 16)
                .injectDuplicates(0.3).list().ofMinSize(2).ofMaxSize(286)
                .map(list -> list.stream().mapToInt(f -> f % 3 == 0 ? 0 : f).toArray());
        Arbitrary<int[]> fibonacci = Arbitraries.integers().between(2, 40).map(n -> {
            int[] f = new int[n];
            int a = 1;
            int b = 1;
            for (int i = 0; i < n; i++) {
                f[i] = Math.min(a, HuffmanCodes.MAX_FREQUENCY - 1);
                int c = a + b;
                a = b;
                b = Math.min(c, HuffmanCodes.MAX_FREQUENCY);
            }
            return f;
        });
        return Arbitraries.oneOf(sparse, fibonacci);
    }

    @Property(tries = 1000)
    void everyCodeIsCompleteWithinItsLengthLimitAndGivesEveryUsedSymbolACode(
            @ForAll("frequencies") int[] frequencies, @ForAll("limits") int limit) {
        // The 7-bit limit is the code length code's, which has 19 symbols.
        int n = limit == 7 ? Math.min(19, frequencies.length) : frequencies.length;
        byte[] lengths = new byte[n];
        HuffmanCodes.buildLengths(frequencies, n, limit, lengths, new int[n], new int[n], new int[16]);
        long kraft = 0;
        int coded = 0;
        for (int s = 0; s < n; s++) {
            assertTrue(lengths[s] >= 0 && lengths[s] <= limit, "length " + lengths[s] + " over " + limit);
            if (frequencies[s] != 0) {
                assertTrue(lengths[s] > 0, "used symbol " + s + " has a code");
            }
            if (lengths[s] > 0) {
                coded++;
                kraft += 1L << (limit - lengths[s]);
            }
        }
        assertTrue(coded >= 2, "at least two codes");
        assertEquals(1L << limit, kraft, "complete: Kraft's sum is exactly one");
    }

    @Provide
    Arbitrary<Integer> limits() {
        return Arbitraries.of(7, 15);
    }

    @Property(tries = 300)
    void aMoreFrequentSymbolNeverGetsALongerCode(@ForAll("frequencies") int[] frequencies, @ForAll @IntRange(min = 9, max = 15) int limit) {
        int n = frequencies.length;
        byte[] lengths = new byte[n];
        HuffmanCodes.buildLengths(frequencies, n, limit, lengths, new int[n], new int[n], new int[16]);
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                if (frequencies[a] > frequencies[b] && frequencies[b] > 0) {
                    assertTrue(lengths[a] <= lengths[b], List.of(a, b).toString());
                }
            }
        }
    }

    @Property(tries = 300)
    void canonicalCodesArePrefixFree(@ForAll("frequencies") int[] frequencies) {
        int n = frequencies.length;
        byte[] lengths = new byte[n];
        HuffmanCodes.buildLengths(frequencies, n, 15, lengths, new int[n], new int[n], new int[16]);
        char[] codes = new char[n];
        HuffmanCodes.canonicalCodes(lengths, n, codes, new int[16]);
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                if (a != b && lengths[a] > 0 && lengths[b] > 0 && lengths[a] <= lengths[b]) {
                    // Codes are stored bit-reversed: a prefix in sending order is a suffix of the low bits.
                    int mask = (1 << lengths[a]) - 1;
                    assertTrue((codes[b] & mask) != codes[a], "code of " + a + " is a prefix of " + b);
                }
            }
        }
    }
}
