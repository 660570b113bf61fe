package org.wsbyhand.protocol.deflate;

import java.util.Arrays;

/**
 * Builds the length-limited, complete prefix codes of RFC 1951 section 3.2.2 from symbol
 * frequencies. Stateless apart from the scratch arrays a caller owns and passes in, so a compressor
 * can build codes for every block without allocating.
 *
 * <p>Every code built here is <em>complete</em> (its lengths satisfy Kraft's equality): zlib's
 * inflate, which {@link java.util.zip.Inflater} and most peers use, rejects an incomplete code in a
 * dynamic block, except a single code of length one. To avoid that special case altogether, a code
 * always has at least two symbols: when fewer than two have a frequency, zero-frequency symbols are
 * added with length one. This also covers RFC 1951 3.2.7's "one distance code ... encoded using one
 * bit" and a block with no matches at all (two unused distance codes of length one).
 */
final class HuffmanCodes {

    /** Frequencies must stay below this so that {@code frequency << 9 | symbol} fits an int. */
    static final int MAX_FREQUENCY = 1 << 22;

    private HuffmanCodes() {}

    /**
     * Sets {@code lengths[0..n)} to the code lengths of an optimal prefix code over
     * {@code frequencies[0..n)} whose longest code is at most {@code limit} bits (RFC 1951: 15 for
     * literal/length and distance codes, 7 for the code length code). Needs 2 <= n <= 2^limit and
     * frequencies under {@link #MAX_FREQUENCY}.
     *
     * @param keys  scratch of at least {@code n} ints
     * @param nodes scratch of at least {@code n} ints
     * @param count scratch of at least {@code limit + 1} ints
     */
    static void buildLengths(int[] frequencies, int n, int limit, byte[] lengths, int[] keys, int[] nodes, int[] count) {
        Arrays.fill(lengths, 0, n, (byte) 0);
        int m = 0;
        for (int s = 0; s < n; s++) {
            if (frequencies[s] != 0) {
                keys[m++] = frequencies[s] << 9 | s;
            }
        }
        // At least two symbols, so that the code is complete (see the class comment).
        for (int s = 0; m < 2 && s < n; s++) {
            if (frequencies[s] == 0) {
                keys[m++] = s;
            }
        }
        Arrays.sort(keys, 0, m);
        for (int i = 0; i < m; i++) {
            nodes[i] = keys[i] >>> 9;
        }
        depthsInPlace(nodes, m);
        // nodes[i] is now the depth of the i-th least frequent symbol; nodes[0] is the deepest.
        if (nodes[0] > limit) {
            limitDepths(nodes, m, limit, count);
        }
        for (int i = 0; i < m; i++) {
            lengths[keys[i] & 0x1FF] = (byte) nodes[i];
        }
    }

    /**
     * Turns ascending weights {@code a[0..m)}, m >= 2, into the depths of the leaves of a Huffman
     * tree over them, without extra memory: the method of Moffat and Katajainen ("In-place
     * calculation of minimum-redundancy codes", 1995). First pass: merge the two smallest of the
     * remaining leaves and internal nodes, storing each internal node's weight and then its parent's
     * index in the array; second pass: parent indexes become internal node depths; third pass: leaf
     * depths, from the internal node depths, written from the most frequent leaf backwards.
     */
    private static void depthsInPlace(int[] a, int m) {
        a[0] += a[1];
        int root = 0;
        int leaf = 2;
        for (int next = 1; next < m - 1; next++) {
            if (leaf >= m || a[root] < a[leaf]) {
                a[next] = a[root];
                a[root++] = next;
            } else {
                a[next] = a[leaf++];
            }
            if (leaf >= m || (root < next && a[root] < a[leaf])) {
                a[next] += a[root];
                a[root++] = next;
            } else {
                a[next] += a[leaf++];
            }
        }
        a[m - 2] = 0;
        for (int next = m - 3; next >= 0; next--) {
            a[next] = a[a[next]] + 1;
        }
        int available = 1;
        int used = 0;
        int depth = 0;
        root = m - 2;
        int next = m - 1;
        while (available > 0) {
            while (root >= 0 && a[root] == depth) {
                used++;
                root--;
            }
            while (available > used) {
                a[next--] = depth;
                available--;
            }
            available = 2 * used;
            depth++;
            used = 0;
        }
    }

    /**
     * Re-shapes depths that exceed {@code limit} into a complete code within it. Leaves deeper than
     * the limit move up to it; that over-subscribes the code (Kraft sum above one), so the deepest
     * leaves above the limit move one level down until the sum is at most one, and if that overshot,
     * leaves at the limit move back up one level until it is exactly one. The depths are then handed
     * out again in frequency order, the least frequent symbols getting the longest codes.
     */
    private static void limitDepths(int[] depths, int m, int limit, int[] count) {
        Arrays.fill(count, 0, limit + 1, 0);
        for (int i = 0; i < m; i++) {
            count[Math.min(depths[i], limit)]++;
        }
        long kraft = 0; // in units of 2^-limit
        for (int bits = 1; bits <= limit; bits++) {
            kraft += (long) count[bits] << (limit - bits);
        }
        long full = 1L << limit;
        while (kraft > full) {
            int bits = limit - 1;
            while (count[bits] == 0) {
                bits--;
            }
            count[bits]--;
            count[bits + 1]++;
            kraft -= 1L << (limit - bits - 1);
        }
        while (kraft < full) {
            int bits = limit;
            while (count[bits] == 0 || (1L << (limit - bits)) > full - kraft) {
                bits--;
            }
            count[bits]--;
            count[bits - 1]++;
            kraft += 1L << (limit - bits);
        }
        int i = 0;
        for (int bits = limit; bits >= 1; bits--) {
            for (int k = count[bits]; k > 0; k--) {
                depths[i++] = bits;
            }
        }
    }

    /**
     * The canonical codes of RFC 1951 3.2.2 for {@code lengths[0..n)}, each stored bit-reversed in
     * {@code codes}, because DEFLATE packs Huffman codes starting with their most significant bit
     * into a stream that is otherwise filled from the least significant bit (3.1.1).
     *
     * @param nextCode scratch of at least 16 ints
     */
    static void canonicalCodes(byte[] lengths, int n, char[] codes, int[] nextCode) {
        Arrays.fill(nextCode, 0, 16, 0);
        for (int s = 0; s < n; s++) {
            nextCode[lengths[s]]++;
        }
        nextCode[0] = 0;
        int code = 0;
        int previousCount = 0;
        for (int bits = 1; bits < 16; bits++) {
            code = (code + previousCount) << 1;
            previousCount = nextCode[bits];
            nextCode[bits] = code;
        }
        for (int s = 0; s < n; s++) {
            int len = lengths[s];
            if (len != 0) {
                codes[s] = (char) (Integer.reverse(nextCode[len]++) >>> (32 - len));
            } else {
                codes[s] = 0;
            }
        }
    }
}
