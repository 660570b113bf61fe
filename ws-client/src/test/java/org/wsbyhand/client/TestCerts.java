package org.wsbyhand.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates made at test time by the JDK's keytool (as ws-server's TlsIT does), once
 * per test JVM: one for {@code localhost} and {@code 127.0.0.1}, one for another name only.
 */
final class TestCerts {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static Identity localhost;
    private static Identity wrongName;

    private TestCerts() {}

    /**
     * A key and its self-signed certificate.
     *
     * @param keyStore the PKCS12 store holding the key entry
     * @param certificate the certificate
     */
    record Identity(KeyStore keyStore, X509Certificate certificate) {
        /** A server context that shows this certificate. */
        SSLContext serverContext() {
            try {
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(keyStore, PASSWORD);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), null, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** SAN dns:localhost, ip:127.0.0.1. */
    static synchronized Identity localhost() {
        if (localhost == null) {
            localhost = generate("localhost", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        }
        return localhost;
    }

    /** SAN dns:wrong.example only: valid, but for another host. */
    static synchronized Identity wrongName() {
        if (wrongName == null) {
            wrongName = generate("wrong", "CN=wrong.example", "SAN=dns:wrong.example");
        }
        return wrongName;
    }

    /** A client context that trusts exactly these certificates. */
    static SSLContext trusting(Identity... identities) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < identities.length; i++) {
                store.setCertificateEntry("trusted-" + i, identities[i].certificate());
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Identity generate(String alias, String dname, String san) {
        try {
            Path dir = Files.createTempDirectory("ws-client-certs");
            Path file = dir.resolve(alias + ".p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", alias, "-keyalg", "EC",
                    "-dname", dname, "-ext", san, "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", file.toString(), "-storepass", new String(PASSWORD))
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, PASSWORD);
            }
            Files.delete(file);
            Files.delete(dir);
            return new Identity(store, (X509Certificate) store.getCertificate(alias));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
