package org.wsbyhand.protocol.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbyhand.protocol.deflate.DeflateNegotiation.InvalidParameters;
import org.wsbyhand.protocol.handshake.ClientHandshake;
import org.wsbyhand.protocol.handshake.ExtensionOffer;
import org.wsbyhand.protocol.handshake.ExtensionParameter;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HandshakeFailure;
import org.wsbyhand.protocol.handshake.HandshakeResult;
import org.wsbyhand.protocol.handshake.Headers;
import org.wsbyhand.protocol.handshake.HttpRequest;
import org.wsbyhand.protocol.handshake.HttpResponse;
import org.wsbyhand.protocol.handshake.ServerHandshake;

class DeflateNegotiationTest {

    private static final DeflateOptions DEFAULTS = DeflateOptions.defaults();

    private static ExtensionParameter p(String name) {
        return ExtensionParameter.of(name);
    }

    private static ExtensionParameter p(String name, String value) {
        return new ExtensionParameter(name, value);
    }

    private static Optional<List<ExtensionParameter>> accept(ExtensionParameter... offer) {
        return DeflateNegotiation.accept(List.of(offer), DEFAULTS);
    }

    @Nested
    class ServerAccepts {

        @Test
        void aBareOfferWithABareResponse() {
            assertEquals(Optional.of(List.of()), accept());
        }

        @Test
        void theBrowsersOfferOfClientMaxWindowBitsWithoutAValue() {
            // Chromium and Firefox offer "permessage-deflate; client_max_window_bits".
            assertEquals(Optional.of(List.of()), accept(p("client_max_window_bits")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"8", "9", "10", "14", "15"})
        void anyClientWindowSizeBecauseTheInflaterTakesThemAll(String bits) {
            assertEquals(Optional.of(List.of()), accept(p("client_max_window_bits", bits)));
        }

        @Test
        void serverMaxWindowBitsOfFifteenAndEchoesIt() {
            assertEquals(Optional.of(List.of(p("server_max_window_bits", "15"))), accept(p("server_max_window_bits", "15")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"8", "9", "10", "11", "12", "13", "14"})
        void everySmallerServerWindowAndStatesItAsOffered(String bits) {
            assertEquals(Optional.of(List.of(p("server_max_window_bits", bits))), accept(p("server_max_window_bits", bits)));
        }

        @Test
        void aServerWindowOptionStatedUnaskedAndTheSmallerOfOfferAndOptionWhenAsked() {
            DeflateOptions tenBits = DEFAULTS.withServerMaxWindowBits(10);
            assertEquals(Optional.of(List.of(p("server_max_window_bits", "10"))), DeflateNegotiation.accept(List.of(), tenBits));
            assertEquals(Optional.of(List.of(p("server_max_window_bits", "10"))),
                    DeflateNegotiation.accept(List.of(p("server_max_window_bits", "12")), tenBits));
            assertEquals(Optional.of(List.of(p("server_max_window_bits", "9"))),
                    DeflateNegotiation.accept(List.of(p("server_max_window_bits", "9")), tenBits));
        }

        @Test
        void aClientWindowOptionStatedOnlyToClientsThatOfferedTheParameter() {
            DeflateOptions tenBits = DEFAULTS.withClientMaxWindowBits(10);
            assertEquals(Optional.of(List.of()), DeflateNegotiation.accept(List.of(), tenBits));
            assertEquals(Optional.of(List.of(p("client_max_window_bits", "10"))),
                    DeflateNegotiation.accept(List.of(p("client_max_window_bits")), tenBits));
            assertEquals(Optional.of(List.of(p("client_max_window_bits", "9"))),
                    DeflateNegotiation.accept(List.of(p("client_max_window_bits", "9")), tenBits));
        }

        @Test
        void serverNoContextTakeoverAndEchoesIt() {
            assertEquals(Optional.of(List.of(p("server_no_context_takeover"))), accept(p("server_no_context_takeover")));
        }

        @Test
        void clientNoContextTakeoverAndEchoesIt() {
            assertEquals(Optional.of(List.of(p("client_no_context_takeover"))), accept(p("client_no_context_takeover")));
        }

        @Test
        void everyParameterAtOnce() {
            Optional<List<ExtensionParameter>> response = accept(p("client_max_window_bits", "10"), p("server_max_window_bits", "15"),
                    p("client_no_context_takeover"), p("server_no_context_takeover"));
            assertEquals(Optional.of(List.of(p("server_no_context_takeover"), p("client_no_context_takeover"),
                    p("server_max_window_bits", "15"))), response);
        }


        @Test
        void andStatesNoContextTakeoverUnaskedWhenConfiguredTo() {
            Optional<List<ExtensionParameter>> response = DeflateNegotiation.accept(List.of(), DEFAULTS.withNoContextTakeover());
            assertEquals(Optional.of(List.of(p("server_no_context_takeover"), p("client_no_context_takeover"))), response);
        }
    }

    @Nested
    class ServerDeclines {

        @ParameterizedTest
        @ValueSource(strings = {"7", "16", "0", "08", "015", "+9", "-1", "fifteen", "99999999999"})
        void aWindowSizeThatIsNotExactlyEightToFifteen(String bits) {
            assertEquals(Optional.empty(), accept(p("client_max_window_bits", bits)));
            assertEquals(Optional.empty(), accept(p("server_max_window_bits", bits)));
        }

        @Test
        void serverMaxWindowBitsWithoutAValue() {
            assertEquals(Optional.empty(), accept(p("server_max_window_bits")));
        }

        @Test
        void noContextTakeoverWithAValue() {
            assertEquals(Optional.empty(), accept(p("server_no_context_takeover", "true")));
            assertEquals(Optional.empty(), accept(p("client_no_context_takeover", "x")));
        }

        @Test
        void anUnknownParameter() {
            assertEquals(Optional.empty(), accept(p("mux")));
            assertEquals(Optional.empty(), accept(p("client_no_context_takeover"), p("x_window_bits", "10")));
        }

        @Test
        void aParameterNameInAnotherCaseBecauseNamesAreCaseSensitive() {
            assertEquals(Optional.empty(), accept(p("Server_No_Context_Takeover")));
        }

        @Test
        void aDuplicatedParameter() {
            assertEquals(Optional.empty(), accept(p("server_no_context_takeover"), p("server_no_context_takeover")));
            assertEquals(Optional.empty(), accept(p("client_max_window_bits"), p("client_max_window_bits", "10")));
            assertEquals(Optional.empty(), accept(p("server_max_window_bits", "15"), p("server_max_window_bits", "15")));
        }
    }

    @Nested
    class Agreement {

        @Test
        void aBareResponseMeansContextTakeoverAndFullWindows() throws InvalidParameters {
            assertEquals(DeflateParameters.defaults(), DeflateNegotiation.agreement(List.of()));
        }

        @Test
        void everyResponseParameterIsReflected() throws InvalidParameters {
            assertEquals(new DeflateParameters(true, true, 11, 9), DeflateNegotiation.agreement(List.of(
                    p("server_no_context_takeover"), p("client_no_context_takeover"),
                    p("server_max_window_bits", "11"), p("client_max_window_bits", "9"))));
        }

        @Test
        void aResponseMustGiveClientMaxWindowBitsAValue() {
            assertThrows(InvalidParameters.class, () -> DeflateNegotiation.agreement(List.of(p("client_max_window_bits"))));
        }
    }

    @Nested
    class Client {

        @Test
        void offersClientMaxWindowBitsWithoutAValueByDefaultBecauseItKeepsToAnyWindow() {
            assertEquals(List.of(p("client_max_window_bits")), DeflateNegotiation.offerParameters(DEFAULTS));
        }

        @Test
        void offersNoContextTakeoverWhenConfiguredTo() {
            assertEquals(List.of(p("server_no_context_takeover"), p("client_no_context_takeover"), p("client_max_window_bits")),
                    DeflateNegotiation.offerParameters(DEFAULTS.withNoContextTakeover()));
        }

        @Test
        void offersItsWindowLimitsWhenConfiguredTo() {
            assertEquals(List.of(p("server_max_window_bits", "10"), p("client_max_window_bits", "9")),
                    DeflateNegotiation.offerParameters(DEFAULTS.withServerMaxWindowBits(10).withClientMaxWindowBits(9)));
        }

        @Test
        void compressesWithinTheClientWindowTheServerStatesOrTheOneItOffered() throws InvalidParameters {
            assertEquals(new DeflateParameters(false, false, 15, 10),
                    DeflateNegotiation.checkResponse(List.of(p("client_max_window_bits", "10")), DEFAULTS));
            assertEquals(new DeflateParameters(false, false, 15, 12),
                    DeflateNegotiation.checkResponse(List.of(), DEFAULTS.withClientMaxWindowBits(12)));
        }

        @Test
        void rejectsAClientWindowLargerThanItOffered() {
            assertThrows(InvalidParameters.class, () -> DeflateNegotiation.checkResponse(
                    List.of(p("client_max_window_bits", "13")), DEFAULTS.withClientMaxWindowBits(12)));
        }

        @Test
        void rejectsAResponseWithoutTheServerWindowItAskedForOrWithALargerOne() {
            DeflateOptions tenBits = DEFAULTS.withServerMaxWindowBits(10);
            assertThrows(InvalidParameters.class, () -> DeflateNegotiation.checkResponse(List.of(), tenBits));
            assertThrows(InvalidParameters.class, () -> DeflateNegotiation.checkResponse(
                    List.of(p("server_max_window_bits", "11")), tenBits));
        }

        @Test
        void acceptsASmallerServerWindowBecauseItOnlyLimitsTheServer() throws InvalidParameters {
            assertEquals(new DeflateParameters(false, false, 9, 15),
                    DeflateNegotiation.checkResponse(List.of(p("server_max_window_bits", "9")), DEFAULTS));
        }

        @Test
        void acceptsNoContextTakeoverTheServerImposes() throws InvalidParameters {
            assertEquals(new DeflateParameters(true, true, 15, 15), DeflateNegotiation.checkResponse(
                    List.of(p("server_no_context_takeover"), p("client_no_context_takeover")), DEFAULTS));
        }

        @Test
        void keepsTheClientNoContextTakeoverItOfferedEvenWhenTheServerIsSilent() throws InvalidParameters {
            DeflateOptions options = DEFAULTS.withClientNoContextTakeover(true);
            assertTrue(DeflateNegotiation.checkResponse(List.of(), options).clientNoContextTakeover());
        }

        @Test
        void rejectsAResponseThatDropsTheServerNoContextTakeoverItAskedFor() {
            assertThrows(InvalidParameters.class,
                    () -> DeflateNegotiation.checkResponse(List.of(), DEFAULTS.withServerNoContextTakeover(true)));
        }

        @Test
        void rejectsUnknownDuplicatedOrMalformedParameters() {
            assertThrows(InvalidParameters.class, () -> DeflateNegotiation.checkResponse(List.of(p("foo")), DEFAULTS));
            assertThrows(InvalidParameters.class, () -> DeflateNegotiation.checkResponse(
                    List.of(p("server_no_context_takeover"), p("server_no_context_takeover")), DEFAULTS));
            assertThrows(InvalidParameters.class, () -> DeflateNegotiation.checkResponse(
                    List.of(p("server_max_window_bits", "16")), DEFAULTS));
            assertThrows(InvalidParameters.class, () -> DeflateNegotiation.checkResponse(
                    List.of(p("server_max_window_bits")), DEFAULTS));
        }
    }

    @Nested
    class WithTheHandshake {

        private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

        private HandshakeResult serverAccepts(DeflateOptions options, String extensions) throws HandshakeException {
            ServerHandshake server = ServerHandshake.builder().extension(DeflateNegotiation.negotiator(options)).build();
            Headers headers = Headers.builder().add("Host", "server.example.com").add("Upgrade", "websocket")
                    .add("Connection", "Upgrade").add("Sec-WebSocket-Key", KEY).add("Sec-WebSocket-Version", "13")
                    .add("Sec-WebSocket-Extensions", extensions).build();
            return server.accept(new HttpRequest("GET", "/chat", "HTTP/1.1", headers));
        }

        @Test
        void theServerAcceptsTheFirstAcceptableOfSeveralOffers() throws HandshakeException {
            HandshakeResult result = serverAccepts(DEFAULTS,
                    "permessage-deflate; server_max_window_bits=10, permessage-deflate; client_max_window_bits=\"12\", x-other");
            assertEquals(List.of("permessage-deflate; server_max_window_bits=10"),
                    result.response().headers().all("Sec-WebSocket-Extensions"));
            assertEquals(Optional.of(new DeflateParameters(false, false, 10, 15)), DeflateNegotiation.serverAgreement(result));
        }

        @Test
        void theServerDeclinesWhenNoOfferIsAcceptable() throws HandshakeException {
            HandshakeResult result = serverAccepts(DEFAULTS, "permessage-deflate; server_max_window_bits=16, permessage-deflate; mux");
            assertEquals(List.of(), result.response().headers().all("Sec-WebSocket-Extensions"));
            assertEquals(Optional.empty(), DeflateNegotiation.serverAgreement(result));
        }

        @Test
        void theServerAnswersAChromiumOfferAndAgreesOnNoContextTakeoverWhenConfiguredTo() throws HandshakeException {
            HandshakeResult result = serverAccepts(DEFAULTS.withNoContextTakeover(), "permessage-deflate; client_max_window_bits");
            assertEquals(List.of("permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
                    result.response().headers().all("Sec-WebSocket-Extensions"));
            assertEquals(Optional.of(new DeflateParameters(true, true, 15, 15)), DeflateNegotiation.serverAgreement(result));
        }

        private HandshakeResult clientValidates(DeflateOptions options, String extensions) throws HandshakeException {
            ClientHandshake client = ClientHandshake.builder("server.example.com")
                    .extension(DeflateNegotiation.offer(options)).build();
            Headers.Builder headers = Headers.builder().add("Upgrade", "websocket").add("Connection", "Upgrade")
                    .add("Sec-WebSocket-Accept", client.expectedAccept());
            if (extensions != null) {
                headers.add("Sec-WebSocket-Extensions", extensions);
            }
            return client.validate(new HttpResponse("HTTP/1.1", 101, "Switching Protocols", headers.build()));
        }

        @Test
        void theClientOffersTheExtensionInItsRequest() {
            ClientHandshake client = ClientHandshake.builder("server.example.com")
                    .extension(DeflateNegotiation.offer(DEFAULTS.withServerNoContextTakeover(true))).build();
            assertEquals(List.of("permessage-deflate; server_no_context_takeover; client_max_window_bits"),
                    client.request().headers().all("Sec-WebSocket-Extensions"));
        }

        @Test
        void theClientTakesAnAgreementFromTheResponse() throws HandshakeException {
            HandshakeResult result = clientValidates(DEFAULTS, "permessage-deflate; server_max_window_bits=10");
            assertEquals(Optional.of(new DeflateParameters(false, false, 10, 15)),
                    DeflateNegotiation.clientAgreement(result, DEFAULTS));
        }

        @Test
        void theClientWorksWithoutTheExtensionWhenTheServerDeclines() throws HandshakeException {
            assertEquals(Optional.empty(), DeflateNegotiation.clientAgreement(clientValidates(DEFAULTS, null), DEFAULTS));
        }

        @Test
        void theClientFailsTheHandshakeOnAWindowLargerThanItOffered() throws HandshakeException {
            HandshakeResult result = clientValidates(DEFAULTS.withClientMaxWindowBits(9), "permessage-deflate; client_max_window_bits=10");
            HandshakeException e = assertThrows(HandshakeException.class,
                    () -> DeflateNegotiation.clientAgreement(result, DEFAULTS.withClientMaxWindowBits(9)));
            assertEquals(HandshakeFailure.INVALID_EXTENSION_PARAMETERS, e.failure());
            assertEquals(101, e.status());
        }

        @Test
        void aServerAndAClientAgreeThroughRealHandshakeHeads() throws HandshakeException {
            DeflateOptions options = DEFAULTS.withServerNoContextTakeover(true);
            ClientHandshake client = ClientHandshake.builder("server.example.com")
                    .extension(DeflateNegotiation.offer(options)).build();
            ServerHandshake server = ServerHandshake.builder().extension(DeflateNegotiation.negotiator(DEFAULTS)).build();
            HandshakeResult serverSide = server.accept(client.request());
            HandshakeResult clientSide = client.validate(serverSide.response());
            assertEquals(DeflateNegotiation.serverAgreement(serverSide), DeflateNegotiation.clientAgreement(clientSide, options));
            assertTrue(DeflateNegotiation.serverAgreement(serverSide).orElseThrow().serverNoContextTakeover());
        }

        @Test
        void theOfferIsAnExtensionOfferNamedPermessageDeflate() {
            ExtensionOffer offer = DeflateNegotiation.offer(DEFAULTS);
            assertEquals("permessage-deflate", offer.name());
            assertEquals(List.of(p("client_max_window_bits")), offer.parameters());
        }
    }
}
