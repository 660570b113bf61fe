package org.wsbyhand.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time the whole machine spent working, from the aggregate {@code cpu} line of /proc/stat:
 * user + nice + system + irq + softirq + steal, that is everything but idle and iowait (guest time
 * is already counted in user). Subtracting the server's and the load tool's own CPU time over the
 * same window leaves what everything else on the machine took from the benchmark: on a shared
 * machine, the measure of how disturbed a run was.
 */
final class MachineLoad {

    private MachineLoad() {}

    /** Busy CPU seconds of all cores since boot, or -1 when /proc/stat cannot be read. */
    static double busySeconds() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (proc(5))
                    String[] f = line.trim().split("\\s+");
                    long busy = 0;
                    for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                        busy += i < f.length ? Long.parseLong(f[i]) : 0;
                    }
                    return busy / (double) ServerProbe.CLOCK_TICKS_PER_SECOND;
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
