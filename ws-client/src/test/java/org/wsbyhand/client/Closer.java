package org.wsbyhand.client;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test opened (servers, clients, proxies), closed after it in the reverse order: a test
 * class holds one in a field marked {@code @AutoClose}.
 */
final class Closer implements AutoCloseable {
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Closes {@code closeable} after the test; returns it. */
    <T extends AutoCloseable> T add(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
    }
}
