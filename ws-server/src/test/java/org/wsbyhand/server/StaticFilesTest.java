package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StaticFilesTest {

    @Nested
    class RelativePaths {
        @ParameterizedTest
        @ValueSource(strings = {"/..", "/../etc/passwd", "/a/../../b", "/./x", "/a\\b", "/a\0b", "relative"})
        void pathsThatCouldLeaveTheRootAreRefused(String path) {
            assertEquals(Optional.empty(), StaticFiles.relativePath(path, false));
        }

        @Test
        void trailingSlashSelectsIndexHtml() {
            assertEquals(Optional.of("index.html"), StaticFiles.relativePath("/", false));
            assertEquals(Optional.of("docs/index.html"), StaticFiles.relativePath("/docs/", false));
        }

        @Test
        void emptySegmentsAreIgnored() {
            assertEquals(Optional.of("a/b.css"), StaticFiles.relativePath("//a///b.css", false));
        }
    }

    @Nested
    class ContentTypes {
        @Test
        void commonWebFilesGetTheirTypes() {
            assertEquals("text/html; charset=utf-8", StaticFiles.contentType("index.html"));
            assertEquals("text/javascript; charset=utf-8", StaticFiles.contentType("app.JS"));
            assertEquals("image/svg+xml", StaticFiles.contentType("logo.svg"));
            assertEquals("application/octet-stream", StaticFiles.contentType("README"));
        }
    }

    @Nested
    class Lookup {
        @Test
        void directoryRootFindsFilesAndIndexes(@TempDir Path root) throws Exception {
            Files.writeString(root.resolve("index.html"), "home");
            Files.createDirectories(root.resolve("sub"));
            Files.writeString(root.resolve("sub/index.html"), "sub home");
            StaticFiles files = StaticFiles.directory(root);
            assertEquals(4, files.find("/").orElseThrow().length());
            assertEquals("index.html", files.find("/sub").orElseThrow().name());
            assertTrue(files.find("/missing.txt").isEmpty());
        }

        @Test
        void dotfilesAndDotDirectoriesAreNotServedUnlessAllowed(@TempDir Path root) throws Exception {
            Files.writeString(root.resolve(".env"), "SECRET=1");
            Files.createDirectories(root.resolve(".git"));
            Files.writeString(root.resolve(".git/config"), "[core]");
            Files.createDirectories(root.resolve("app"));
            Files.writeString(root.resolve("app/.htpasswd"), "user:hash");
            StaticFiles files = StaticFiles.directory(root);
            for (String path : new String[] {"/.env", "/.git/config", "/app/.htpasswd", "/.git/"}) {
                assertTrue(files.find(path).isEmpty(), path);
            }
            StaticFiles allowing = files.withDotfiles(true);
            assertEquals(8, allowing.find("/.env").orElseThrow().length());
            assertEquals("config", allowing.find("/.git/config").orElseThrow().name());
            assertTrue(allowing.find("/../.env").isEmpty(), "dot segments still never leave the root");
        }

        @Test
        void symbolicLinkOutOfTheRootIsRefused(@TempDir Path dir) throws Exception {
            Path root = Files.createDirectories(dir.resolve("root"));
            Path secret = Files.writeString(dir.resolve("secret.txt"), "secret");
            Files.createSymbolicLink(root.resolve("link.txt"), secret);
            assertTrue(StaticFiles.directory(root).find("/link.txt").isEmpty());
        }

        @Test
        void classpathRootFindsResourcesAndDirectoryIndexes() throws Exception {
            StaticFiles files = StaticFiles.classpath("web");
            assertEquals("text/html; charset=utf-8", files.find("/").orElseThrow().contentType());
            assertEquals("text/css; charset=utf-8", files.find("/sub/style.css").orElseThrow().contentType());
            assertEquals("index.html", files.find("/sub").orElseThrow().name());
            assertTrue(files.find("/nothing.js").isEmpty());
        }
    }
}
