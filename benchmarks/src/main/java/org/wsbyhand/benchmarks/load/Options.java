package org.wsbyhand.benchmarks.load;

import java.util.HashMap;
import java.util.Map;

/** Command-line options of the form {@code --name value}, with typed getters and defaults. */
final class Options {

    private final Map<String, String> values = new HashMap<>();

    Options(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            values.put(args[i].substring(2), args[++i]);
        }
    }

    String string(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    int integer(String name, int defaultValue) {
        String v = values.get(name);
        return v == null ? defaultValue : Integer.parseInt(v);
    }

    double decimal(String name, double defaultValue) {
        String v = values.get(name);
        return v == null ? defaultValue : Double.parseDouble(v);
    }

    /** {@code true} or {@code false}; anything else is a mistake, not false. */
    boolean bool(String name, boolean defaultValue) {
        String v = values.get(name);
        if (v == null) {
            return defaultValue;
        }
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("--" + name + " takes true or false, got " + v);
        }
        return Boolean.parseBoolean(v);
    }

    long pid() {
        return Long.parseLong(values.getOrDefault("server-pid", "-1"));
    }
}
