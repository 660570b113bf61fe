package org.wsbyhand.benchmarks.load;

import java.nio.file.Path;

/**
 * The load tool's entry point: {@code LoadTool --scenario echo|bulk|idle|broadcast --port P
 * [--server-pid PID] [--label NAME] [--results FILE] [options]}. It is a Netty client,
 * independent of ws-by-hand's code, that talks only to 127.0.0.x, bounds every loop in count and
 * time, and prints (and appends to FILE) one tab-separated {@code label scenario metric value}
 * line per figure.
 *
 * <p>Options of every scenario: {@code --connections C --inflight W --size S --warmup SEC --seconds SEC
 * --threads T --path / --tls true|false --compress true|false --source-from N --source-to M}.
 * Defaults: echo 100 x 8 x 64 B; bulk 1 x 1 x 1 MiB binary; idle 10,000; broadcast 100 receivers,
 * 8 messages in flight, 64 B; plain ws://, no compression, sources 127.0.0.2-251. Idle also takes
 * {@code --message S --measure both|before|after|none --snapshot FILE --hold SEC --histograms DIR}.
 * The README's "Load tool" section describes every option and metric.
 */
public final class LoadTool {

    private LoadTool() {}

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        String scenario = options.string("scenario", "echo");
        String results = options.string("results", null);
        Results out = new Results(results == null ? null : Path.of(results), options.string("label", "server"), scenario);
        ServerProbe server = new ServerProbe(options.pid());
        switch (scenario) {
            case "echo" -> new EchoScenario(options, out, server, false).run();
            case "bulk" -> new EchoScenario(options, out, server, true).run();
            case "idle" -> new IdleScenario(options, out, server).run();
            case "broadcast" -> new BroadcastScenario(options, out, server).run();
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        }
        // Netty's threads are shut down; exit even if a server left a socket half-open.
        System.exit(0);
    }
}
