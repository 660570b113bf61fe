package org.wsbyhand.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.wsbyhand.session.WebSocketHandler;

/**
 * The server's routes, compiled once: exact paths ({@code /chat}), templates with variables
 * ({@code /rooms/{id}}) and prefixes ({@code /api/*}).
 *
 * <p><b>Matching.</b> The request path is split at {@code /} and each segment percent-decoded on its
 * own, so a {@code %2F} stays inside its segment. An exact route wins; else the template that
 * matches, a literal segment beating a variable from left to right; else the prefix route with the
 * longest prefix, compared the same way. A variable matches one segment that is not empty,
 * {@code .} or {@code ..}; a prefix's rest ({@code "*"}) is the remaining segments joined with
 * {@code /}, possibly empty ({@code /api/*} matches {@code /api}, {@code /api/} and everything
 * below), and holds no {@code .} or {@code ..} segment either.
 *
 * <p><b>Ambiguity</b> is refused when the table is built: two routes of the same shape (the same
 * literal segments with variables in the same places, e.g. {@code /rooms/{id}} and
 * {@code /rooms/{name}}) could never be told apart.
 */
final class RouteTable {
    /** The variable name under which a prefix route's rest is found. */
    static final String REST = "*";

    /**
     * A route that matched a request.
     *
     * @param handler the route's handler
     * @param variables the values of the route's variables by name (and {@code "*"} for a prefix)
     */
    record Match(WebSocketHandler handler, Map<String, String> variables) {}

    private final Map<String, WebSocketHandler> exact = new HashMap<>();
    private final List<Pattern> patterns = new ArrayList<>();

    private RouteTable() {}

    /**
     * Compiles the routes as given to {@link ServerBuilder#route}.
     *
     * @throws IllegalArgumentException for a malformed route, or two routes of the same shape
     */
    static RouteTable compile(Map<String, WebSocketHandler> routes) {
        RouteTable table = new RouteTable();
        Map<String, String> shapes = new HashMap<>();
        routes.forEach((route, handler) -> {
            Pattern pattern = Pattern.parse(route, handler);
            String earlier = shapes.putIfAbsent(pattern.shape(), route);
            if (earlier != null) {
                throw new IllegalArgumentException("routes " + earlier + " and " + route
                        + " match the same paths; no request could tell them apart");
            }
            if (pattern.isExact()) {
                table.exact.put(String.join("/", pattern.literals()), handler);
            } else {
                table.patterns.add(pattern);
            }
        });
        return table;
    }

    /**
     * The route for a request path.
     *
     * @param rawPath the request's path, percent-encoded as it arrived
     * @return the match, or empty when no route matches
     * @throws IllegalArgumentException when a segment has an invalid percent escape
     */
    Optional<Match> match(String rawPath) {
        String[] raw = rawPath.substring(rawPath.startsWith("/") ? 1 : 0).split("/", -1);
        String[] segments = new String[raw.length];
        boolean slashInside = false;
        for (int i = 0; i < raw.length; i++) {
            segments[i] = raw[i].indexOf('%') < 0 ? raw[i] : PercentDecoding.decode(raw[i], false);
            slashInside |= segments[i].indexOf('/') >= 0;
        }
        if (!slashInside) {
            WebSocketHandler handler = exact.get(String.join("/", segments));
            if (handler != null) {
                return Optional.of(new Match(handler, Map.of()));
            }
        }
        Pattern best = null;
        for (Pattern pattern : patterns) {
            if (pattern.matches(segments) && (best == null || pattern.beats(best))) {
                best = pattern;
            }
        }
        return best == null ? Optional.empty() : Optional.of(new Match(best.handler(), best.variables(segments)));
    }

    /**
     * One template or prefix route: per segment its literal text, or null for a variable.
     *
     * @param literals the literal text of each segment, null where a variable is
     * @param names the variable's name of each segment, null where a literal is
     * @param prefix whether the route ends in {@code /*}
     * @param handler the route's handler
     */
    private record Pattern(String[] literals, String[] names, boolean prefix, WebSocketHandler handler) {

        static Pattern parse(String route, WebSocketHandler handler) {
            if (!route.startsWith("/")) {
                throw new IllegalArgumentException("route must start with '/': " + route);
            }
            if (route.indexOf('?') >= 0 || route.indexOf('#') >= 0) {
                throw new IllegalArgumentException("route must not contain a query or a fragment ('?' or '#'): "
                        + route + " (routes match the request's path only; read parameters with request().queryParameters())");
            }
            if (route.matches(".*%[0-9A-Fa-f]{2}.*")) {
                throw new IllegalArgumentException("route must be given decoded, it is compared with the "
                        + "percent-decoded request path: " + route);
            }
            String[] parts = route.substring(1).split("/", -1);
            boolean prefix = parts[parts.length - 1].equals("*");
            int count = prefix ? parts.length - 1 : parts.length;
            String[] literals = new String[count];
            String[] names = new String[count];
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String part = parts[i];
                if (part.length() > 2 && part.startsWith("{") && part.endsWith("}")) {
                    String name = part.substring(1, part.length() - 1);
                    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                        throw new IllegalArgumentException("route variable names are letters, digits and '_': " + route);
                    }
                    if (seen.contains(name)) {
                        throw new IllegalArgumentException("route variable {" + name + "} appears twice: " + route);
                    }
                    seen.add(name);
                    names[i] = name;
                } else if (part.indexOf('{') >= 0 || part.indexOf('}') >= 0 || part.indexOf('*') >= 0) {
                    throw new IllegalArgumentException("a route segment is a literal, a whole {variable}, or a final *: "
                            + route);
                } else {
                    literals[i] = part;
                }
            }
            return new Pattern(literals, names, prefix, handler);
        }

        boolean isExact() {
            return !prefix && Arrays.stream(names).allMatch(n -> n == null);
        }

        /** The route with its variables' names left out: equal shapes match equal paths. */
        String shape() {
            StringBuilder shape = new StringBuilder();
            for (int i = 0; i < literals.length; i++) {
                shape.append('/').append(literals[i] == null ? "{}" : "=" + literals[i]);
            }
            return prefix ? shape.append("/*").toString() : shape.toString();
        }

        boolean matches(String[] segments) {
            if (prefix ? segments.length < literals.length : segments.length != literals.length) {
                return false;
            }
            for (int i = 0; i < literals.length; i++) {
                if (literals[i] != null ? !literals[i].equals(segments[i]) : !variableValue(segments[i])) {
                    return false;
                }
            }
            for (int i = literals.length; i < segments.length; i++) {
                if (segments[i].equals(".") || segments[i].equals("..")) {
                    return false;
                }
            }
            return true;
        }

        private static boolean variableValue(String segment) {
            return !segment.isEmpty() && !segment.equals(".") && !segment.equals("..");
        }

        /** Whether this route wins over {@code other} when both match one path. */
        boolean beats(Pattern other) {
            if (prefix != other.prefix) {
                return !prefix;
            }
            if (literals.length != other.literals.length) {
                return literals.length > other.literals.length; // only prefixes differ in length
            }
            for (int i = 0; i < literals.length; i++) {
                boolean literal = literals[i] != null;
                if (literal != (other.literals[i] != null)) {
                    return literal;
                }
            }
            return false;
        }

        Map<String, String> variables(String[] segments) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                if (names[i] != null) {
                    values.put(names[i], segments[i]);
                }
            }
            if (prefix) {
                values.put(REST, String.join("/", Arrays.asList(segments).subList(literals.length, segments.length)));
            }
            return Map.copyOf(values);
        }
    }
}
