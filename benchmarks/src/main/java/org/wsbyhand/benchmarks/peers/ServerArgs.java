package org.wsbyhand.benchmarks.peers;

import java.util.OptionalInt;

/**
 * The command line every server main takes: {@code PORT [echo|broadcast] [OPTION...]}, the options
 * being words in any order:
 *
 * <ul>
 *   <li>{@code tls}: serve {@code wss://} on the same port (TLS 1.3, the JDK's provider, key
 *       material from {@link BenchTls});
 *   <li>{@code deflate}: negotiate permessage-deflate; without it no server negotiates compression;
 *   <li>{@code window=BITS}: the compression window, 8-15 (ours only, with {@code deflate}). A bare
 *       number is the older spelling of {@code deflate window=BITS} ({@code OursServer PORT echo 10}).
 * </ul>
 *
 * <p>A word a server does not know, or an option it cannot honour, ends the process with a
 * message and exit status 2, so that a benchmark never silently measures something else.
 *
 * @param port       the TCP port on 127.0.0.1
 * @param broadcast  whether to relay every text message to every connection instead of echoing it
 * @param tls        whether to serve {@code wss://}
 * @param deflate    whether to negotiate permessage-deflate
 * @param windowBits the compression window asked for, if any
 */
record ServerArgs(int port, boolean broadcast, boolean tls, boolean deflate, OptionalInt windowBits) {

    /** Exit status of a server that was asked for something it cannot do. */
    static final int CANNOT = 2;

    /** Parses {@code args}; on a mistake prints usage for {@code server} and exits with status 2. */
    static ServerArgs parse(String server, String[] args) {
        if (args.length == 0 || !args[0].matches("\\d{1,5}")) {
            refuse(server, "usage: " + server + " PORT [echo|broadcast] [tls] [deflate]" + (server.equals("OursServer") ? " [window=BITS]" : ""));
        }
        int port = Integer.parseInt(args[0]);
        boolean broadcast = false;
        boolean tls = false;
        boolean deflate = false;
        OptionalInt window = OptionalInt.empty();
        for (int i = 1; i < args.length; i++) {
            String word = args[i];
            if (word.equals("echo")) {
                broadcast = false;
            } else if (word.equals("broadcast")) {
                broadcast = true;
            } else if (word.equals("tls")) {
                tls = true;
            } else if (word.equals("deflate")) {
                deflate = true;
            } else if (word.matches("window=\\d{1,2}")) {
                window = OptionalInt.of(Integer.parseInt(word.substring("window=".length())));
            } else if (word.matches("\\d{1,2}")) {
                // The older `OursServer PORT echo BITS`, from when ours always compressed.
                window = OptionalInt.of(Integer.parseInt(word));
                deflate = true;
            } else {
                refuse(server, "unknown option '" + word + "' (expected echo, broadcast, tls, deflate or window=BITS)");
            }
        }
        if (window.isPresent() && !deflate) {
            refuse(server, "window=" + window.getAsInt() + " needs deflate");
        }
        if (window.isPresent() && (window.getAsInt() < 8 || window.getAsInt() > 15)) {
            refuse(server, "window=" + window.getAsInt() + " is not 8-15");
        }
        return new ServerArgs(port, broadcast, tls, deflate, window);
    }

    /** For the peers, which compress with their library's own window: refuses {@code window=}. */
    ServerArgs withoutWindow(String server) {
        if (windowBits.isPresent()) {
            refuse(server, "cannot set the compression window (window=" + windowBits.getAsInt() + "); only OursServer can");
        }
        return this;
    }

    /** What the server is, for its start-up line: {@code "echo"}, {@code "broadcast tls deflate"}. */
    String describe() {
        return (broadcast ? "broadcast" : "echo") + (tls ? " tls" : "") + (deflate ? " deflate" : "")
                + (windowBits.isPresent() ? " window=" + windowBits.getAsInt() : "");
    }

    /** The URL scheme clients use. */
    String scheme() {
        return tls ? "wss" : "ws";
    }

    /** Prints why {@code server} cannot run as asked, and exits with status 2. */
    static void refuse(String server, String why) {
        System.err.println(server + ": " + why);
        System.exit(CANNOT);
    }
}
