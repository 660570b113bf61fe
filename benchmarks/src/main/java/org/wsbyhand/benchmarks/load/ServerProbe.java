package org.wsbyhand.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what the benchmark reports about the server process (and the load tool itself) from
 * Linux's /proc and the JDK's jcmd: CPU time, resident set size and live heap after a full GC.
 * Every call is bounded in time; a probe that cannot answer returns -1.
 */
final class ServerProbe {

    /** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on every common configuration. */
    static final int CLOCK_TICKS_PER_SECOND = 100;

    /** A histogram row of filler objects: "  1:   6001   7790000  [Ljdk.internal.vm.FillerElement; (java.base@25)". */
    private static final Pattern HISTOGRAM_FILLER =
            Pattern.compile("(?m)^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+\\S*jdk\\.internal\\.vm\\.Filler(?:Element|Object)\\b");
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");

    private final long pid;

    ServerProbe(long pid) {
        this.pid = pid;
    }

    boolean present() {
        return pid > 0 && Files.exists(Path.of("/proc/" + pid));
    }

    /** User plus system CPU time of the whole process (all threads), in seconds. */
    double cpuSeconds() {
        return cpuSeconds(String.valueOf(pid));
    }

    /** The load tool's own CPU time, in seconds, to tell when the client is the bottleneck. */
    static double ownCpuSeconds() {
        return cpuSeconds("self");
    }

    private static double cpuSeconds(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // Fields after the command name (which may contain spaces) start at field 3, "state";
            // utime and stime are fields 14 and 15 (proc(5)).
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks / (double) CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident set size in bytes. */
    long rssBytes() {
        try {
            Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Bytes of live objects on the heap: jcmd's class histogram runs a full GC first and ends
     * with a total line, which reads the same under every collector.
     */
    long liveHeapBytes() {
        return liveHeapBytes(classHistogram());
    }

    /**
     * The total line of a {@link #classHistogram()} minus the collector's filler objects, or -1.
     * Fillers ({@code jdk.internal.vm.FillerElement} arrays) are dead space that the Parallel
     * collector's full GC leaves in place, not anybody's data; how much of it there is depends on
     * where the heap's dense prefix ended, which made the same server's figure jump by hundreds of
     * bytes per connection from one run to the next.
     */
    static long liveHeapBytes(String histogram) {
        Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
        if (!m.find()) {
            return -1;
        }
        long total = Long.parseLong(m.group(2));
        Matcher filler = HISTOGRAM_FILLER.matcher(histogram);
        while (filler.find()) {
            total -= Long.parseLong(filler.group(1));
        }
        return total;
    }

    /** jcmd's class histogram of the live heap (a full GC runs first), or "" when jcmd fails. */
    String classHistogram() {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            Process p = new ProcessBuilder(jcmd, String.valueOf(pid), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return new String(out);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
