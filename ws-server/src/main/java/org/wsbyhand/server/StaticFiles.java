package org.wsbyhand.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.wsbyhand.protocol.handshake.HttpRequest;

/**
 * Files served to plain HTTP GET and HEAD requests on the WebSocket port, from a directory or a
 * class path root. A path ending in '/' (or naming a directory) serves that directory's
 * {@code index.html}. Other methods get 405, missing files 404.
 *
 * <p>Paths are percent-decoded before they are checked, and any {@code .} or {@code ..} segment,
 * backslash or NUL is refused with 404, so {@code /../}, {@code /%2e%2e/} and {@code /..%2f} all
 * stay inside the root; a directory root also refuses symbolic links that lead outside it. Files
 * and directories whose name starts with a dot ({@code /.env}, {@code /.git/config}) are not served
 * either, unless {@link #withDotfiles(boolean)} allows them.
 *
 * <p>Every file goes out with {@code Cache-Control} ({@link #withCacheControl(String)}), a weak
 * {@code ETag} and {@code Last-Modified} made from the file's time and length; a request whose
 * {@code If-None-Match} (or else {@code If-Modified-Since}) says the client's copy is current gets
 * 304 without a body. The connection stays open for the next request as
 * {@link ServerBuilder#keepAliveTimeout(java.time.Duration)} says.
 *
 * <p>A file is written with ordinary socket writes through a small buffer, never with
 * {@code transferTo}: from a file to a socket the JDK turns that into a blocking {@code sendfile}
 * that holds the virtual thread's carrier for as long as the client does not read. A client that
 * reads too slowly is dropped after {@link ServerConfig#responseTimeout()}.
 */
public final class StaticFiles {
    /** Content types by lower-case file extension; anything else is {@code application/octet-stream}. */
    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"));

    /** The buffer a file is copied to the socket through. */
    private static final int COPY_BUFFER = 16 * 1024;

    private final Path directory;
    private final String classpathRoot;
    private final ClassLoader loader;
    private final boolean dotfiles;
    private final String cacheControl;

    /** The default {@code Cache-Control}: keep, but ask before each use (a 304 when unchanged). */
    public static final String DEFAULT_CACHE_CONTROL = "no-cache";

    private StaticFiles(Path directory, String classpathRoot, ClassLoader loader, boolean dotfiles, String cacheControl) {
        this.directory = directory;
        this.classpathRoot = classpathRoot;
        this.loader = loader;
        this.dotfiles = dotfiles;
        this.cacheControl = cacheControl;
    }

    /**
     * A copy that does or does not serve files and directories whose name starts with a dot
     * (default: not served, 404). Dotfiles often hold what was never meant to be public:
     * {@code .env}, {@code .git/}, {@code .htpasswd}.
     *
     * @param serve {@code true} to serve dotfiles
     * @return static files equal to these but for that setting
     */
    public StaticFiles withDotfiles(boolean serve) {
        return new StaticFiles(directory, classpathRoot, loader, serve, cacheControl);
    }

    /**
     * A copy that sends this {@code Cache-Control} with every file (default
     * {@value #DEFAULT_CACHE_CONTROL}: browsers keep the file and ask whether it changed before using
     * it, which costs a 304 when it did not). For files whose names change with their content,
     * {@code "public, max-age=31536000, immutable"}.
     *
     * @param value the header value, without control characters
     * @return static files equal to these but for that setting
     */
    public StaticFiles withCacheControl(String value) {
        org.wsbyhand.protocol.handshake.Headers.of("Cache-Control", Objects.requireNonNull(value, "value"));
        return new StaticFiles(directory, classpathRoot, loader, dotfiles, value);
    }

    /**
     * Files under a directory of the file system.
     *
     * @param root the directory served as {@code /}
     * @return the static files
     */
    public static StaticFiles directory(Path root) {
        Path absolute = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new IllegalArgumentException("not a directory: " + absolute);
        }
        return new StaticFiles(absolute, null, null, false, DEFAULT_CACHE_CONTROL);
    }

    /**
     * Resources under a class path folder such as {@code "web"}, found with the calling thread's
     * context class loader. In a named module the folder must not be an encapsulated package:
     * open it, or use a name that is not a package name (e.g. {@code "META-INF/web"}).
     *
     * @param root the class path folder served as {@code /}
     * @return the static files
     */
    public static StaticFiles classpath(String root) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return classpath(root, loader != null ? loader : StaticFiles.class.getClassLoader());
    }

    /**
     * Resources under a class path folder, found with the given class loader.
     *
     * @param root the class path folder served as {@code /}
     * @param loader the class loader to find the resources with
     * @return the static files
     */
    public static StaticFiles classpath(String root, ClassLoader loader) {
        String trimmed = Objects.requireNonNull(root, "root").replaceAll("^/+|/+$", "");
        return new StaticFiles(null, trimmed, Objects.requireNonNull(loader, "loader"), false, DEFAULT_CACHE_CONTROL);
    }

    /** The content type for a file name, by its extension. */
    static String contentType(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String extension = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return CONTENT_TYPES.getOrDefault(extension, "application/octet-stream");
    }

    /**
     * A file found for a request: its type, length, when it last changed (epoch milliseconds, 0 when
     * unknown) and how to open it.
     */
    record Resource(String name, String contentType, long length, long lastModified, IoSupplier<InputStream> opener) {
        /** A validator for conditional requests: weak, since equal time and length need not mean equal bytes. */
        Optional<String> etag() {
            return lastModified <= 0 ? Optional.empty()
                    : Optional.of("W/\"" + Long.toHexString(lastModified) + "-" + Long.toHexString(length) + "\"");
        }
    }

    /** A supplier that may fail with an I/O error. */
    @FunctionalInterface
    interface IoSupplier<T> {
        T get() throws IOException;
    }

    /**
     * The relative resource path for a decoded request path, or empty when the path tries to leave
     * the root or names a dotfile that is not served. A trailing '/' (or the bare root) selects
     * {@code index.html}.
     */
    Optional<String> relativePath(String decodedPath) {
        return relativePath(decodedPath, dotfiles);
    }

    /** {@link #relativePath(String)} with dotfiles served or not. */
    static Optional<String> relativePath(String decodedPath, boolean dotfiles) {
        if (!decodedPath.startsWith("/") || decodedPath.indexOf('\\') >= 0 || decodedPath.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        StringBuilder relative = new StringBuilder();
        for (String segment : decodedPath.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..") || (!dotfiles && segment.startsWith("."))) {
                return Optional.empty();
            }
            if (!relative.isEmpty()) {
                relative.append('/');
            }
            relative.append(segment);
        }
        if (decodedPath.endsWith("/")) {
            relative.append(relative.isEmpty() ? "" : "/").append("index.html");
        }
        return Optional.of(relative.toString());
    }

    /** The file for a decoded request path, if there is one inside the root. */
    Optional<Resource> find(String decodedPath) throws IOException {
        Optional<String> relative = relativePath(decodedPath);
        if (relative.isEmpty()) {
            return Optional.empty();
        }
        return directory != null ? findInDirectory(relative.get()) : findOnClasspath(relative.get());
    }

    private Optional<Resource> findInDirectory(String relative) throws IOException {
        Path file = directory.resolve(relative).normalize();
        if (!file.startsWith(directory)) {
            return Optional.empty();
        }
        if (Files.isDirectory(file)) {
            file = file.resolve("index.html");
        }
        if (!Files.isRegularFile(file) || !file.toRealPath().startsWith(directory.toRealPath())) {
            return Optional.empty();
        }
        Path found = file;
        return Optional.of(new Resource(found.getFileName().toString(), contentType(found.getFileName().toString()),
                Files.size(found), Files.getLastModifiedTime(found).toMillis(), () -> Files.newInputStream(found)));
    }

    private Optional<Resource> findOnClasspath(String relative) throws IOException {
        String name = relative.isEmpty() ? classpathRoot + "/index.html" : classpathRoot + "/" + relative;
        URL url = loader.getResource(name);
        if (url != null && isDirectory(url)) {
            name = name + "/index.html";
            url = loader.getResource(name);
        }
        if (url == null || isDirectory(url)) {
            return Optional.empty();
        }
        URLConnection connection = url.openConnection();
        connection.setUseCaches(false);
        long length = connection.getContentLengthLong();
        if (length < 0) {
            return Optional.empty();
        }
        String fileName = name.substring(name.lastIndexOf('/') + 1);
        return Optional.of(new Resource(fileName, contentType(fileName), length, Math.max(0, connection.getLastModified()),
                connection::getInputStream));
    }

    private static boolean isDirectory(URL url) throws IOException {
        switch (url.getProtocol()) {
            case "file" -> {
                try {
                    return Files.isDirectory(Path.of(url.toURI()));
                } catch (URISyntaxException | IllegalArgumentException e) {
                    return false;
                }
            }
            case "jar" -> {
                URLConnection connection = url.openConnection();
                connection.setUseCaches(false);
                return connection instanceof JarURLConnection jar && jar.getJarEntry() != null
                        && jar.getJarEntry().isDirectory();
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * Answers one plain HTTP request: the file for GET (head only for HEAD), 304 when the client's
     * copy is current ({@code If-None-Match}, else {@code If-Modified-Since}), 405 for other methods,
     * 404 when there is no such file, 400 for an undecodable path. Returns the status sent.
     *
     * @param keepAlive whether the connection stays open after a 200, 304 or 404
     */
    int respond(HttpRequest head, OutputStream out, boolean keepAlive) throws IOException {
        boolean isHead = head.method().equals("HEAD");
        if (!isHead && !head.method().equals("GET")) {
            HttpResponses.error(out, 405, "", Map.of("Allow", "GET, HEAD"), true);
            return 405;
        }
        String path;
        try {
            path = PercentDecoding.decode(head.path(), false);
        } catch (IllegalArgumentException e) {
            HttpResponses.error(out, 400, "invalid percent escape in path", Map.of(), !isHead);
            return 400;
        }
        Optional<Resource> resource;
        try {
            resource = find(path);
        } catch (IOException | UncheckedIOException | SecurityException e) {
            resource = Optional.empty();
        }
        if (resource.isEmpty()) {
            HttpResponses.error(out, 404, "", Map.of(), !isHead, keepAlive);
            return 404;
        }
        Resource found = resource.get();
        boolean current = Conditional.notModified(head.headers(), found.etag(), found.lastModified());
        StringBuilder response = current
                ? HttpResponses.start(304, null, 0, keepAlive)
                : HttpResponses.start(200, found.contentType(), found.length(), keepAlive);
        response.append("Cache-Control: ").append(cacheControl).append("\r\n");
        found.etag().ifPresent(tag -> response.append("ETag: ").append(tag).append("\r\n"));
        if (found.lastModified() > 0) {
            response.append("Last-Modified: ").append(HttpResponses.date(Instant.ofEpochMilli(found.lastModified())))
                    .append("\r\n");
        }
        out.write(HttpResponses.bytes(response));
        if (!isHead && !current) {
            try (InputStream in = found.opener().get()) {
                byte[] buffer = new byte[(int) Math.min(COPY_BUFFER, Math.max(1, found.length()))];
                long left = found.length();
                for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
                    out.write(buffer, 0, n);
                    left -= n;
                }
                if (left > 0) {
                    // The file shrank while it was sent: the length promised cannot be kept.
                    throw new IOException(found.name() + " changed while it was sent");
                }
            }
        }
        out.flush();
        return current ? 304 : 200;
    }

    @Override
    public String toString() {
        return (directory != null ? "StaticFiles[" + directory : "StaticFiles[classpath:" + classpathRoot)
                + (dotfiles ? ", dotfiles" : "") + "]";
    }
}
