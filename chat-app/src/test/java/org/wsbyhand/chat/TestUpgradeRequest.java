package org.wsbyhand.chat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An {@link UpgradeRequest} with the given headers (names in any case) and nothing else. */
record TestUpgradeRequest(Map<String, String> headerMap) implements org.wsbyhand.session.UpgradeRequest {

    @Override
    public String path() {
        return "/";
    }

    @Override
    public String query() {
        return "";
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        return Map.of();
    }

    @Override
    public Optional<String> header(String name) {
        return headerMap.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst();
    }

    @Override
    public List<String> headers(String name) {
        return header(name).map(List::of).orElse(List.of());
    }

    @Override
    public Map<String, String> cookies() {
        return Map.of();
    }

    @Override
    public List<String> offeredSubprotocols() {
        return List.of();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }
}
