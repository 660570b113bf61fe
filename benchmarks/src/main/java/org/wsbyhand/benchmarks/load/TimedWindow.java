package org.wsbyhand.benchmarks.load;

/**
 * One timed measurement window of a scenario: its wall time and the CPU time the server process,
 * this load tool and everything else on the machine spent in it. Every scenario measures the same
 * way, so their figures compare.
 *
 * @param seconds          wall time of the window
 * @param serverCpuSeconds user + system time of the server process (/proc/PID/stat) in the window,
 *                         or negative when there is no server process to read
 * @param clientCpuSeconds user + system time of the load tool in the window
 * @param otherCpuSeconds  busy time of the whole machine (/proc/stat) minus the two, or negative when
 *                         it cannot be told (no server process)
 */
record TimedWindow(double seconds, double serverCpuSeconds, double clientCpuSeconds, double otherCpuSeconds) {

    /** Runs {@code onStart}, lets the scenario run for {@code seconds}, runs {@code onEnd}, and measures across. */
    static TimedWindow measure(ServerProbe server, double seconds, Runnable onStart, Runnable onEnd)
            throws InterruptedException {
        Start start = start(server);
        onStart.run();
        Thread.sleep((long) (seconds * 1000));
        onEnd.run();
        return start.end();
    }

    /** Starts a window that the caller ends with {@link Start#end()}, for phases not timed by sleeping. */
    static Start start(ServerProbe server) {
        return new Start(server, System.nanoTime(), server.cpuSeconds(), ServerProbe.ownCpuSeconds(), MachineLoad.busySeconds());
    }

    /** The readings at the start of a window. */
    record Start(ServerProbe server, long nanos, double serverCpu, double clientCpu, double machineBusy) {

        TimedWindow end() {
            double serverCpu1 = server.cpuSeconds();
            double clientCpu1 = ServerProbe.ownCpuSeconds();
            double machineBusy1 = MachineLoad.busySeconds();
            long nanos1 = System.nanoTime();
            double serverSpent = serverCpu >= 0 && serverCpu1 >= 0 ? serverCpu1 - serverCpu : -1;
            double clientSpent = clientCpu1 - clientCpu;
            double other = serverSpent >= 0 && machineBusy >= 0 && machineBusy1 >= 0
                    // Whole ticks, as all three are counted (no 1e-12 left over from the doubles); the
                    // counters are sampled one after the other, so never below zero.
                    ? Math.max(0, Math.round((machineBusy1 - machineBusy - serverSpent - clientSpent)
                            * ServerProbe.CLOCK_TICKS_PER_SECOND)) / (double) ServerProbe.CLOCK_TICKS_PER_SECOND
                    : -1;
            return new TimedWindow((nanos1 - nanos) / 1e9, serverSpent, clientSpent, other);
        }
    }

    /** Puts the window's CPU figures in cores: {@code server_cpu_cores}, {@code client_cpu_cores}, {@code other_cpu_cores}. */
    void putCores(Results results) {
        if (serverCpuSeconds >= 0) {
            results.put("server_cpu_cores", serverCpuSeconds / seconds);
        }
        results.put("client_cpu_cores", clientCpuSeconds / seconds);
        if (otherCpuSeconds >= 0) {
            results.put("other_cpu_cores", otherCpuSeconds / seconds);
        }
    }
}
