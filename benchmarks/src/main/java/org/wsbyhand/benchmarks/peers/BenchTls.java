package org.wsbyhand.benchmarks.peers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Security;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The TLS every server of the benchmark serves {@code wss://} with, so that they all do the same
 * cryptographic work: TLS 1.3 only, the JDK's own provider (SunJSSE), and the key pair of one
 * PKCS12 keystore whose path is in the environment variable {@code BENCH_KEYSTORE} (store
 * password {@code benchmarks}, alias {@code bench}). Make one with
 * {@code keytool -genkeypair -keystore bench.p12 -storetype PKCS12 -storepass benchmarks -alias bench
 * -keyalg EC -groupname secp256r1 -dname CN=localhost -validity 30}.
 *
 * <p>A problem with the keystore ends the process with a message and exit status 2.
 */
final class BenchTls {

    static final String KEYSTORE_VARIABLE = "BENCH_KEYSTORE";
    static final String PASSWORD = "benchmarks";
    static final String ALIAS = "bench";
    static final String PROTOCOL = "TLSv1.3";

    private BenchTls() {}

    /**
     * A TLS 1.3 context of SunJSSE with the keystore's key. Before building it, TLS 1.2 is
     * disabled for the whole (server) process: an {@code SSLContext} of protocol "TLSv1.3" still
     * lets a server engine accept 1.2, and some servers (ours, Java-WebSocket) take only a context,
     * with no place to restrict an engine's protocols; the security property reaches them all.
     */
    static SSLContext context(String server) {
        try {
            KeyManagerFactory keys = keyManagers(server); // first: it disables TLS 1.2 before SunJSSE loads
            SSLContext context = SSLContext.getInstance(PROTOCOL, "SunJSSE");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            ServerArgs.refuse(server, "cannot set up TLS: " + e);
            throw new AssertionError(e);
        }
    }

    /** The keystore's keys for a server that builds its own TLS context (Netty); TLS 1.2 disabled as above. */
    static KeyManagerFactory keyManagers(String server) {
        disableOlderProtocols();
        String file = System.getenv(KEYSTORE_VARIABLE);
        if (file == null || file.isBlank()) {
            ServerArgs.refuse(server, "tls needs the PKCS12 keystore's path in " + KEYSTORE_VARIABLE);
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            if (!store.isKeyEntry(ALIAS)) {
                ServerArgs.refuse(server, file + " has no key entry '" + ALIAS + "'");
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm(), "SunJSSE");
            factory.init(store, PASSWORD.toCharArray());
            return factory;
        } catch (IOException | GeneralSecurityException e) {
            ServerArgs.refuse(server, "cannot read the keystore " + file + " (" + KEYSTORE_VARIABLE + "): " + e);
            throw new AssertionError(e);
        }
    }

    /**
     * Adds TLS 1.2 (and with it everything older) to {@code jdk.tls.disabledAlgorithms}. SunJSSE
     * reads the property when its first engine is made, so this runs before any context exists.
     */
    private static void disableOlderProtocols() {
        String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
        if (disabled == null || disabled.isBlank()) {
            disabled = "SSLv3, TLSv1, TLSv1.1";
        }
        if (!disabled.contains("TLSv1.2")) {
            Security.setProperty("jdk.tls.disabledAlgorithms", disabled + ", TLSv1.2");
        }
    }
}
