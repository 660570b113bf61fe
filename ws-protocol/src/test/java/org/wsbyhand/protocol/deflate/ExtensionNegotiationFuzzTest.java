package org.wsbyhand.protocol.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.wsbyhand.protocol.FuzzInput;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.handshake.ExtensionOffer;
import org.wsbyhand.protocol.handshake.ExtensionParameter;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HandshakeFailure;
import org.wsbyhand.protocol.handshake.HandshakeResult;
import org.wsbyhand.protocol.handshake.Headers;
import org.wsbyhand.protocol.handshake.HttpResponse;

/**
 * Fuzzes {@code Sec-WebSocket-Extensions} parsing ({@link ExtensionOffer#parse}) and the
 * permessage-deflate negotiation of RFC 7692 section 7.1 on both sides ({@link DeflateNegotiation}).
 *
 * <p>Input: a byte choosing the server's {@link DeflateOptions}, a byte choosing the client's, then
 * a header value (bytes read as ISO-8859-1, as the head parser reads them).
 *
 * <p>Checked: parsing throws nothing but {@link HandshakeException} with
 * {@link HandshakeFailure#MALFORMED_EXTENSIONS} and status 400; parsed offers written back with
 * {@link ExtensionOffer#render} parse to equal offers. Read as a client's offers, the server's
 * negotiator never throws and answers exactly as the table of the module README says: it accepts
 * the first acceptable offer (known parameters once each, flags without values, client window bits
 * absent, without a value or 8-15, server window bits 8-15) with the parameters that table gives
 * (server window min(offered, own), stated unasked below 15; client window only when offered and
 * the server's own is below 15), else declines; the agreement read back compresses within the
 * agreed server window. Read as a server's response, the client accepts it exactly when RFC 7692
 * 7.1 and this client's rules allow (window values 8-15, a client window no larger than offered, a
 * server window present and no larger than offered when it offered one, the
 * server_no_context_takeover it asked for), otherwise it fails with
 * {@link HandshakeFailure#INVALID_EXTENSION_PARAMETERS}. And a server and a client of the chosen
 * options always agree with each other, on the same parameters.
 */
class ExtensionNegotiationFuzzTest {

    private static final DeflateOptions[] OPTIONS = {
        DeflateOptions.defaults(),
        DeflateOptions.defaults().withNoContextTakeover(),
        DeflateOptions.defaults().withServerNoContextTakeover(true),
        DeflateOptions.defaults().withClientNoContextTakeover(true),
        DeflateOptions.defaults().withServerMaxWindowBits(10),
        DeflateOptions.defaults().withClientMaxWindowBits(12),
        DeflateOptions.defaults().withServerMaxWindowBits(8).withClientMaxWindowBits(9),
        DeflateOptions.defaults().withNoContextTakeover().withServerMaxWindowBits(14),
    };

    private static final Set<String> WINDOW_VALUES = Set.of("8", "9", "10", "11", "12", "13", "14", "15");

    @FuzzTest(maxDuration = "45s")
    void negotiationAnswersEveryOfferAndResponseAsDocumented(byte[] input) {
        FuzzInput in = new FuzzInput(input);
        DeflateOptions serverOptions = OPTIONS[in.nextByte() & 7];
        DeflateOptions clientOptions = OPTIONS[in.nextByte() & 7];
        String value = new String(in.rest(), StandardCharsets.ISO_8859_1);

        serverAndClientOfTheseOptionsAgree(serverOptions, clientOptions);

        List<ExtensionOffer> offers;
        try {
            offers = ExtensionOffer.parse(value);
        } catch (HandshakeException e) {
            assertEquals(HandshakeFailure.MALFORMED_EXTENSIONS, e.failure(), "parse failure");
            assertEquals(400, e.status(), "parse failure status");
            return;
        }
        String rendered = ExtensionOffer.render(offers);
        try {
            assertEquals(offers, ExtensionOffer.parse(rendered), "offers after render and parse: " + rendered);
        } catch (HandshakeException e) {
            fail("rendered offers do not parse: " + rendered + ": " + e);
        }

        List<ExtensionOffer> deflateOffers = offers.stream()
                .filter(offer -> offer.name().equals(DeflateNegotiation.EXTENSION_NAME)).toList();
        if (!deflateOffers.isEmpty()) {
            serverAnswersAsTheTableSays(serverOptions, deflateOffers);
        }
        clientJudgesTheResponseAsDocumented(clientOptions, offers);
    }

    private static void serverAnswersAsTheTableSays(DeflateOptions options, List<ExtensionOffer> offers) {
        Optional<ExtensionOffer> response;
        try {
            response = DeflateNegotiation.negotiator(options).negotiate(offers);
        } catch (HandshakeException e) {
            throw new AssertionError("the negotiator threw on peer input", e);
        }
        Optional<ExtensionOffer> chosen = offers.stream().filter(ExtensionNegotiationFuzzTest::acceptableOffer).findFirst();
        assertEquals(chosen.isPresent(), response.isPresent(), "accepted or declined " + offers);
        if (chosen.isEmpty()) {
            return;
        }
        ExtensionOffer offer = chosen.get();
        Set<String> expected = new HashSet<>();
        if (offer.parameter(DeflateNegotiation.SERVER_NO_CONTEXT_TAKEOVER).isPresent() || options.serverNoContextTakeover()) {
            expected.add(DeflateNegotiation.SERVER_NO_CONTEXT_TAKEOVER);
        }
        if (offer.parameter(DeflateNegotiation.CLIENT_NO_CONTEXT_TAKEOVER).isPresent() || options.clientNoContextTakeover()) {
            expected.add(DeflateNegotiation.CLIENT_NO_CONTEXT_TAKEOVER);
        }
        Optional<ExtensionParameter> offeredServerBits = offer.parameter(DeflateNegotiation.SERVER_MAX_WINDOW_BITS);
        int serverBits = offeredServerBits.map(p -> Math.min(Integer.parseInt(p.value()), options.serverMaxWindowBits()))
                .orElse(options.serverMaxWindowBits());
        if (offeredServerBits.isPresent() || serverBits < DeflateParameters.MAX_WINDOW_BITS) {
            expected.add(DeflateNegotiation.SERVER_MAX_WINDOW_BITS + "=" + serverBits);
        }
        Optional<ExtensionParameter> offeredClientBits = offer.parameter(DeflateNegotiation.CLIENT_MAX_WINDOW_BITS);
        if (offeredClientBits.isPresent() && options.clientMaxWindowBits() < DeflateParameters.MAX_WINDOW_BITS) {
            int clientBits = offeredClientBits.get().value() == null ? options.clientMaxWindowBits()
                    : Math.min(Integer.parseInt(offeredClientBits.get().value()), options.clientMaxWindowBits());
            expected.add(DeflateNegotiation.CLIENT_MAX_WINDOW_BITS + "=" + clientBits);
        }
        Set<String> answered = new HashSet<>();
        for (ExtensionParameter parameter : response.get().parameters()) {
            assertTrue(answered.add(parameter.toString()), "parameter answered twice: " + response.get());
        }
        assertEquals(DeflateNegotiation.EXTENSION_NAME, response.get().name(), "name of the response");
        assertEquals(expected, answered, "response to " + offer);
        HandshakeResult result = new HandshakeResult(switching(), Optional.empty(), List.of(response.get()));
        DeflateParameters agreed = DeflateNegotiation.serverAgreement(result).orElseThrow();
        try (PerMessageDeflate deflate = new PerMessageDeflate(Role.SERVER, agreed, options)) {
            assertEquals(serverBits, deflate.sendWindowBits(), "the server compresses within the window it stated");
        }
    }

    /** The README's table: which single offer a server accepts. */
    private static boolean acceptableOffer(ExtensionOffer offer) {
        Set<String> seen = new HashSet<>();
        for (ExtensionParameter parameter : offer.parameters()) {
            if (!seen.add(parameter.name())) {
                return false;
            }
            String value = parameter.value();
            switch (parameter.name()) {
                case DeflateNegotiation.SERVER_NO_CONTEXT_TAKEOVER, DeflateNegotiation.CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (value != null) {
                        return false;
                    }
                }
                case DeflateNegotiation.CLIENT_MAX_WINDOW_BITS -> {
                    if (value != null && !WINDOW_VALUES.contains(value)) {
                        return false;
                    }
                }
                case DeflateNegotiation.SERVER_MAX_WINDOW_BITS -> {
                    if (value == null || !WINDOW_VALUES.contains(value)) {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    private static void clientJudgesTheResponseAsDocumented(DeflateOptions options, List<ExtensionOffer> response) {
        HandshakeResult result = new HandshakeResult(switching(), Optional.empty(), response);
        Optional<ExtensionOffer> accepted = result.extension(DeflateNegotiation.EXTENSION_NAME);
        Optional<DeflateParameters> agreed;
        try {
            agreed = DeflateNegotiation.clientAgreement(result, options);
        } catch (HandshakeException e) {
            assertEquals(HandshakeFailure.INVALID_EXTENSION_PARAMETERS, e.failure(), "client refusal");
            assertEquals(101, e.status(), "status of a client refusal");
            assertTrue(accepted.isPresent(), "refused a response without permessage-deflate");
            assertFalse(acceptableResponse(accepted.get(), options), "refused an acceptable response " + accepted.get());
            return;
        }
        assertEquals(accepted.isPresent(), agreed.isPresent(), "agreement without the extension, or the reverse");
        if (agreed.isEmpty()) {
            return;
        }
        ExtensionOffer answer = accepted.get();
        assertTrue(acceptableResponse(answer, options), "accepted the response " + answer);
        DeflateParameters parameters = agreed.get();
        assertEquals(answer.parameter(DeflateNegotiation.CLIENT_MAX_WINDOW_BITS).map(p -> Integer.parseInt(p.value()))
                .orElse(options.clientMaxWindowBits()), parameters.clientMaxWindowBits(), "client window");
        assertEquals(answer.parameter(DeflateNegotiation.SERVER_MAX_WINDOW_BITS).map(p -> Integer.parseInt(p.value()))
                .orElse(DeflateParameters.MAX_WINDOW_BITS), parameters.serverMaxWindowBits(), "server window");
        assertEquals(answer.parameter(DeflateNegotiation.SERVER_NO_CONTEXT_TAKEOVER).isPresent(),
                parameters.serverNoContextTakeover(), "server_no_context_takeover");
        assertEquals(answer.parameter(DeflateNegotiation.CLIENT_NO_CONTEXT_TAKEOVER).isPresent()
                || options.clientNoContextTakeover(), parameters.clientNoContextTakeover(), "client_no_context_takeover");
    }

    /** RFC 7692 7.1 plus this client's rules: whether a client with {@code options} accepts the response. */
    private static boolean acceptableResponse(ExtensionOffer answer, DeflateOptions options) {
        Set<String> seen = new HashSet<>();
        for (ExtensionParameter parameter : answer.parameters()) {
            if (!seen.add(parameter.name())) {
                return false;
            }
            String value = parameter.value();
            switch (parameter.name()) {
                case DeflateNegotiation.SERVER_NO_CONTEXT_TAKEOVER, DeflateNegotiation.CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (value != null) {
                        return false;
                    }
                }
                case DeflateNegotiation.SERVER_MAX_WINDOW_BITS -> {
                    // 7.1.2.1: no larger than a value the client offered.
                    if (value == null || !WINDOW_VALUES.contains(value)
                            || Integer.parseInt(value) > options.serverMaxWindowBits()) {
                        return false;
                    }
                }
                case DeflateNegotiation.CLIENT_MAX_WINDOW_BITS -> {
                    // 7.1.2.2: a response gives a value, no larger than the client offered.
                    if (value == null || !WINDOW_VALUES.contains(value)
                            || Integer.parseInt(value) > options.clientMaxWindowBits()) {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        if (options.serverMaxWindowBits() < DeflateParameters.MAX_WINDOW_BITS
                && !seen.contains(DeflateNegotiation.SERVER_MAX_WINDOW_BITS)) {
            return false; // 7.1.2.1: an offered server window must be answered
        }
        return !options.serverNoContextTakeover() || seen.contains(DeflateNegotiation.SERVER_NO_CONTEXT_TAKEOVER);
    }

    /** A server of one option set answering a client of another: they always agree, on the same terms. */
    private static void serverAndClientOfTheseOptionsAgree(DeflateOptions serverOptions, DeflateOptions clientOptions) {
        ExtensionOffer offer = DeflateNegotiation.offer(clientOptions);
        Optional<ExtensionOffer> response;
        try {
            response = DeflateNegotiation.negotiator(serverOptions).negotiate(List.of(offer));
        } catch (HandshakeException e) {
            throw new AssertionError("the negotiator threw on our own client's offer", e);
        }
        assertTrue(response.isPresent(), "a server declined our own client's offer " + offer);
        HandshakeResult result = new HandshakeResult(switching(), Optional.empty(), List.of(response.get()));
        DeflateParameters server = DeflateNegotiation.serverAgreement(result).orElseThrow();
        DeflateParameters client;
        try {
            client = DeflateNegotiation.clientAgreement(result, clientOptions).orElseThrow();
        } catch (HandshakeException e) {
            throw new AssertionError("our client refused our server's response " + response.get(), e);
        }
        assertEquals(server.serverNoContextTakeover(), client.serverNoContextTakeover(), "server_no_context_takeover");
        assertEquals(server.serverMaxWindowBits(), client.serverMaxWindowBits(), "server window");
        // The client may keep to a smaller window than the server expects (the one it offered), never a larger one.
        assertTrue(client.clientMaxWindowBits() <= server.clientMaxWindowBits(), "client window");
        assertTrue(client.clientNoContextTakeover() || !server.clientNoContextTakeover(),
                "the server expects client_no_context_takeover but the client does not keep to it");
    }

    private static HttpResponse switching() {
        return new HttpResponse("HTTP/1.1", 101, "Switching Protocols", Headers.empty());
    }
}
