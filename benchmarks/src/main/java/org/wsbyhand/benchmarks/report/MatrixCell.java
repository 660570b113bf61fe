package org.wsbyhand.benchmarks.report;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One cell of the load matrix ({@code benchmarks/matrix.sh}): a load shape named
 * {@code FAMILY/SHAPE}, such as {@code echo-t1/c100-f8-s64} (echo, 1 client thread, 100
 * connections x 8 in flight x 64 B), {@code broadcast/r100-f8-s64} (100 receivers) or
 * {@code idle/c10000}.
 *
 * @param name        the cell's name as run.sh wrote it
 * @param family      the part before the slash: echo-t1, echo-t2, tls, deflate, broadcast, idle
 * @param connections connections (receivers for broadcast)
 * @param inflight    messages in flight per connection (0 for idle)
 * @param size        message size in bytes (0 for idle)
 */
record MatrixCell(String name, String family, int connections, int inflight, int size) {

    /** Families in report order; others follow in name order. */
    static final List<String> FAMILIES = List.of("echo-t1", "echo-t2", "tls", "deflate", "broadcast", "idle");

    static final Comparator<MatrixCell> ORDER = Comparator
            .comparingInt((MatrixCell c) -> familyIndex(c.family()))
            .thenComparing(MatrixCell::family)
            .thenComparingInt(MatrixCell::connections)
            .thenComparingInt(MatrixCell::inflight)
            .thenComparingInt(MatrixCell::size);

    private static final Pattern NAME = Pattern.compile("([a-z0-9-]+)/[cr](\\d+)(?:-f(\\d+)-s(\\d+))?");

    /** The cell a name stands for, or null when the name is not a cell's. */
    static MatrixCell parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return null;
        }
        return new MatrixCell(name, m.group(1), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)),
                m.group(4) == null ? 0 : Integer.parseInt(m.group(4)));
    }

    boolean isIdle() {
        return family.equals("idle");
    }

    boolean isBroadcast() {
        return family.equals("broadcast");
    }

    /** The shape in words: "100 x 8 x 64 B", "1 to 100 receivers, 8 x 64 B", "10,000". */
    String shape() {
        String count = String.format(Locale.ROOT, "%,d", connections);
        if (isIdle()) {
            return count;
        }
        if (isBroadcast()) {
            return "1 → " + count + ", " + inflight + " × " + Report.bytes(size);
        }
        return count + " × " + inflight + " × " + Report.bytes(size);
    }

    /** Bytes an echo cell keeps in flight: connections x in flight x size. */
    long inflightBytes() {
        return (long) connections * inflight * size;
    }

    private static int familyIndex(String family) {
        int i = FAMILIES.indexOf(family);
        return i < 0 ? FAMILIES.size() : i;
    }
}
