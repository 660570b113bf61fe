package org.wsbyhand.benchmarks.load;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The file through which two idle load tools share one measurement of a server holding more
 * connections than one process may open ({@code --snapshot FILE}). Process A ({@code --measure
 * before}) writes it once its connections are open: the server's live heap and RSS from before
 * A's first connection, A's open connections, and the server's pid (so that a file left by an
 * earlier run, for another server process, is never taken for this one). Process B ({@code
 * --measure after}) waits for it, opens its own share, measures, and appends {@code released},
 * which ends A's hold. Properties format, one {@code key=value} a line.
 *
 * @param serverPid   the server process both measure
 * @param heapBefore  live heap before A's first connection, bytes (-1 unknown)
 * @param rssBefore   resident set size before A's first connection, bytes (-1 unknown)
 * @param connections connections A holds open
 */
record IdleHandover(long serverPid, long heapBefore, long rssBefore, int connections) {

    private static final String RELEASED = "released";

    /** Writes the file whole at once (write aside, then rename), so a reader never sees half of it. */
    void write(Path file) throws IOException {
        String text = "server_pid=" + serverPid + "\nheap_bytes=" + heapBefore + "\nrss_bytes=" + rssBefore
                + "\nconnections=" + connections + "\n";
        Path aside = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(aside, text, StandardCharsets.UTF_8);
        Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The file's handover if it exists and is about {@code serverPid}; empty otherwise. */
    static Optional<IdleHandover> read(Path file, long serverPid) throws IOException {
        Properties p = load(file);
        if (p == null || Long.parseLong(p.getProperty("server_pid", "-2")) != serverPid) {
            return Optional.empty();
        }
        return Optional.of(new IdleHandover(serverPid, Long.parseLong(p.getProperty("heap_bytes")),
                Long.parseLong(p.getProperty("rss_bytes")), Integer.parseInt(p.getProperty("connections"))));
    }

    /** Waits (polling, at most {@code seconds}) for the handover about {@code serverPid}. */
    static IdleHandover await(Path file, long serverPid, double seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (true) {
            Optional<IdleHandover> h = read(file, serverPid);
            if (h.isPresent()) {
                return h.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no handover for server " + serverPid + " in " + file + " after " + seconds
                        + " s: is the process with --measure before running against the same --server-pid?");
            }
            Thread.sleep(200);
        }
    }

    /** Appends {@code released}: the measurement is taken, A may close its connections. */
    static void release(Path file) throws IOException {
        Files.writeString(file, RELEASED + "=true\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** Whether {@link #release} has been called on the file (or it is gone). */
    static boolean released(Path file) throws IOException {
        Properties p = load(file);
        return p == null || p.containsKey(RELEASED);
    }

    private static Properties load(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = new StringReader(text)) {
            p.load(r);
        }
        return p;
    }
}
