package org.wsbyhand.benchmarks.load;

/**
 * One timed measurement window of a scenario: its wall time and the CPU time the server process and
 * this load tool spent in it. Every scenario measures the same way, so their figures compare.
 *
 * @param seconds          wall time of the window
 * @param serverCpuSeconds user + system time of the server process (/proc/PID/stat) in the window
 * @param clientCpuSeconds user + system time of the load tool in the window
 */
record TimedWindow(double seconds, double serverCpuSeconds, double clientCpuSeconds) {

    /** Runs {@code onStart}, lets the scenario run for {@code seconds}, runs {@code onEnd}, and measures across. */
    static TimedWindow measure(ServerProbe server, double seconds, Runnable onStart, Runnable onEnd)
            throws InterruptedException {
        double serverCpu0 = server.cpuSeconds();
        double clientCpu0 = ServerProbe.ownCpuSeconds();
        long t0 = System.nanoTime();
        onStart.run();
        Thread.sleep((long) (seconds * 1000));
        onEnd.run();
        long t1 = System.nanoTime();
        return new TimedWindow((t1 - t0) / 1e9, server.cpuSeconds() - serverCpu0, ServerProbe.ownCpuSeconds() - clientCpu0);
    }
}
