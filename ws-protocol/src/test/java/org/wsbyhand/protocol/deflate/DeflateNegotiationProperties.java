package org.wsbyhand.protocol.deflate;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.wsbyhand.protocol.deflate.DeflateNegotiation.InvalidParameters;
import org.wsbyhand.protocol.handshake.ExtensionOffer;
import org.wsbyhand.protocol.handshake.ExtensionParameter;
import org.wsbyhand.protocol.handshake.HandshakeException;

class DeflateNegotiationProperties {

    private static final List<String> KNOWN = List.of("server_no_context_takeover", "client_no_context_takeover",
            "server_max_window_bits", "client_max_window_bits");

    /** Mostly known names, sometimes other case or unknown; values valid, invalid or absent. */
    @Provide
    Arbitrary<ExtensionParameter> params() {
        Arbitrary<String> names = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of(KNOWN)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(KNOWN).map(n -> n.toUpperCase(Locale.ROOT))),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').withChars('_').ofMinLength(1).ofMaxLength(25)));
        Arbitrary<String> values = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(null)),
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(6, 17).map(String::valueOf)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange('0', '9').withChars("az+-.").ofMinLength(1).ofMaxLength(6)));
        return Combinators.combine(names, values).as(ExtensionParameter::new);
    }

    @Provide
    Arbitrary<DeflateOptions> options() {
        Arbitrary<Integer> windows = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(15)), net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(8, 14)));
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false), windows, windows)
                .as((server, client, serverBits, clientBits) -> DeflateOptions.defaults().withServerNoContextTakeover(server)
                        .withClientNoContextTakeover(client).withServerMaxWindowBits(serverBits).withClientMaxWindowBits(clientBits));
    }

    @Property(tries = 2000)
    void anAcceptedOfferGetsAResponseThatRfc7692Section71AllowsAndAnAcceptableOneIsNeverDeclined(
            @ForAll @Size(max = 6) List<@From("params") ExtensionParameter> offer, @ForAll("options") DeflateOptions options) {
        Optional<List<ExtensionParameter>> response = assertDoesNotThrow(() -> DeflateNegotiation.accept(offer, options));
        assertEquals(isAcceptable(offer), response.isPresent(), "offer " + offer + " -> " + response);
        if (response.isEmpty()) {
            return;
        }
        List<ExtensionParameter> answer = response.get();
        Map<String, String> offered = offer.stream()
                .collect(Collectors.toMap(ExtensionParameter::name, p -> String.valueOf(p.value()), (a, b) -> a));
        Set<String> seen = new HashSet<>();
        for (ExtensionParameter param : answer) {
            assertTrue(KNOWN.contains(param.name()), "known name " + param);
            assertTrue(seen.add(param.name()), "no duplicates " + answer);
            switch (param.name()) {
                case "server_no_context_takeover", "client_no_context_takeover" -> assertNull(param.value());
                case "server_max_window_bits" -> {
                    // 7.1.2.1: the same or a smaller value than offered, never above the server's own limit.
                    int bits = Integer.parseInt(param.value());
                    assertTrue(bits >= 8 && bits <= options.serverMaxWindowBits(), param.toString());
                    if (offered.containsKey(param.name())) {
                        assertTrue(bits <= Integer.parseInt(offered.get(param.name())));
                    }
                }
                default -> {
                    // 7.1.2.2: only when offered, with a value no larger than the offered one.
                    assertTrue(offered.containsKey("client_max_window_bits"), "client_max_window_bits offered");
                    String limit = offered.get("client_max_window_bits");
                    int bits = Integer.parseInt(param.value());
                    assertTrue(bits >= 8 && bits <= 15 && ("null".equals(limit) || bits <= Integer.parseInt(limit)));
                }
            }
        }
        // 7.1.1.1: an offered server_no_context_takeover must be in the response.
        if (offered.containsKey("server_no_context_takeover")) {
            assertTrue(seen.contains("server_no_context_takeover"));
        }
        // 7.1.2.1: an offered server_max_window_bits is accepted by stating one.
        if (offered.containsKey("server_max_window_bits")) {
            assertTrue(seen.contains("server_max_window_bits"));
        }
        // The server's own side of the agreement reads back from the response, within its window option.
        DeflateParameters agreed = assertDoesNotThrow(() -> DeflateNegotiation.agreement(answer));
        assertTrue(agreed.serverMaxWindowBits() <= options.serverMaxWindowBits(), "the server's window option");
    }

    @Property(tries = 1000)
    void aClientNeverThrowsAnythingButInvalidParametersOnAnArbitraryResponse(
            @ForAll @Size(max = 6) List<@From("params") ExtensionParameter> response, @ForAll("options") DeflateOptions options) {
        try {
            DeflateParameters agreed = DeflateNegotiation.checkResponse(response, options);
            assertTrue(agreed.clientMaxWindowBits() <= options.clientMaxWindowBits(), "the client's window option");
            assertTrue(agreed.serverMaxWindowBits() <= options.serverMaxWindowBits(), "the window the client asked for");
            if (options.clientNoContextTakeover()) {
                assertTrue(agreed.clientNoContextTakeover());
            }
        } catch (InvalidParameters rejected) {
            // a response this client must fail the connection on
        }
    }

    @Property(tries = 500)
    void theServerAcceptsWhatTheClientOffersAndTheClientAcceptsTheAnswer(@ForAll("options") DeflateOptions client,
            @ForAll("options") DeflateOptions server) throws InvalidParameters {
        List<ExtensionParameter> answer = DeflateNegotiation.accept(DeflateNegotiation.offerParameters(client), server).orElseThrow();
        DeflateParameters clientSide = DeflateNegotiation.checkResponse(answer, client);
        DeflateParameters serverSide = DeflateNegotiation.agreement(answer);
        assertEquals(serverSide.serverNoContextTakeover(), clientSide.serverNoContextTakeover());
        assertEquals(client.serverNoContextTakeover() || server.serverNoContextTakeover(), serverSide.serverNoContextTakeover());
        assertEquals(client.clientNoContextTakeover() || server.clientNoContextTakeover(), serverSide.clientNoContextTakeover());
        assertEquals(serverSide.clientNoContextTakeover(), clientSide.clientNoContextTakeover());
        assertEquals(serverSide.serverMaxWindowBits(), clientSide.serverMaxWindowBits());
        assertEquals(Math.min(client.serverMaxWindowBits(), server.serverMaxWindowBits()), serverSide.serverMaxWindowBits());
        // Each side compresses within the smaller of what it was told and what it chose.
        assertEquals(Math.min(client.clientMaxWindowBits(), server.clientMaxWindowBits()),
                Math.min(clientSide.clientMaxWindowBits(), client.clientMaxWindowBits()));
    }

    @Property(tries = 1000)
    void theNegotiatorAnswersTheFirstAcceptableOfSeveralOffersAndDeclinesWhenNoneIs(
            @ForAll @Size(min = 1, max = 4) List<@Size(max = 4) List<@From("params") ExtensionParameter>> offers,
            @ForAll("options") DeflateOptions options) throws HandshakeException {
        List<ExtensionOffer> extensionOffers = offers.stream()
                .map(parameters -> new ExtensionOffer(DeflateNegotiation.EXTENSION_NAME, parameters)).toList();
        Optional<ExtensionOffer> response = DeflateNegotiation.negotiator(options).negotiate(extensionOffers);
        Optional<List<ExtensionParameter>> firstAcceptable = offers.stream().filter(DeflateNegotiationProperties::isAcceptable)
                .findFirst().map(offer -> DeflateNegotiation.accept(offer, options).orElseThrow());
        assertEquals(firstAcceptable, response.map(ExtensionOffer::parameters));
        response.ifPresent(r -> assertEquals(DeflateNegotiation.EXTENSION_NAME, r.name()));
    }

    /** An independent statement of the class comment's acceptance rules. */
    private static boolean isAcceptable(List<ExtensionParameter> offer) {
        Map<String, Long> counts = offer.stream()
                .collect(Collectors.groupingBy(ExtensionParameter::name, Collectors.counting()));
        if (counts.values().stream().anyMatch(c -> c > 1) || !KNOWN.containsAll(counts.keySet())) {
            return false;
        }
        Set<String> windowValues = Set.of("8", "9", "10", "11", "12", "13", "14", "15");
        for (ExtensionParameter param : offer) {
            String value = param.value();
            boolean ok = switch (param.name()) {
                case "server_no_context_takeover", "client_no_context_takeover" -> value == null;
                case "server_max_window_bits" -> value != null && windowValues.contains(value);
                default -> value == null || windowValues.contains(value);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
