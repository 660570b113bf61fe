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
import org.wsbyhand.protocol.deflate.DeflateNegotiation.Param;

class DeflateNegotiationTest {

    private static final DeflateOptions DEFAULTS = DeflateOptions.defaults();

    private static Param p(String name) {
        return Param.of(name);
    }

    private static Param p(String name, String value) {
        return new Param(name, value);
    }

    private static Optional<List<Param>> accept(Param... offer) {
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
            Optional<List<Param>> response = accept(p("client_max_window_bits", "10"), p("server_max_window_bits", "15"),
                    p("client_no_context_takeover"), p("server_no_context_takeover"));
            assertEquals(Optional.of(List.of(p("server_no_context_takeover"), p("client_no_context_takeover"),
                    p("server_max_window_bits", "15"))), response);
        }

        @Test
        void parameterNamesInAnyCase() {
            assertEquals(Optional.of(List.of(p("server_no_context_takeover"))), accept(p("Server_No_Context_Takeover")));
        }

        @Test
        void andStatesNoContextTakeoverUnaskedWhenConfiguredTo() {
            Optional<List<Param>> response = DeflateNegotiation.accept(List.of(), DEFAULTS.withNoContextTakeover());
            assertEquals(Optional.of(List.of(p("server_no_context_takeover"), p("client_no_context_takeover"))), response);
        }
    }

    @Nested
    class ServerDeclines {

        @ParameterizedTest
        @ValueSource(strings = {"8", "9", "12", "14"})
        void aServerWindowSmallerThanTheDeflatersFifteenBits(String bits) {
            assertEquals(Optional.empty(), accept(p("server_max_window_bits", bits)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"7", "16", "0", "08", "015", "+9", "-1", "", "fifteen", "1 5", "99999999999"})
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
            assertEquals(Optional.empty(), accept(p("client_no_context_takeover", "")));
        }

        @Test
        void anUnknownParameter() {
            assertEquals(Optional.empty(), accept(p("mux")));
            assertEquals(Optional.empty(), accept(p("client_no_context_takeover"), p("x_window_bits", "10")));
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
        void offersNothingButTheExtensionByDefault() {
            assertEquals(List.of(), DeflateNegotiation.offer(DEFAULTS));
        }

        @Test
        void offersNoContextTakeoverWhenConfiguredTo() {
            assertEquals(List.of(p("server_no_context_takeover"), p("client_no_context_takeover")),
                    DeflateNegotiation.offer(DEFAULTS.withNoContextTakeover()));
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
        void rejectsClientMaxWindowBitsItDidNotOffer() {
            assertThrows(InvalidParameters.class,
                    () -> DeflateNegotiation.checkResponse(List.of(p("client_max_window_bits", "15")), DEFAULTS));
            assertThrows(InvalidParameters.class,
                    () -> DeflateNegotiation.checkResponse(List.of(p("client_max_window_bits", "10")), DEFAULTS));
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
}
