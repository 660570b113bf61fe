package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.wsbyhand.protocol.handshake.Fixtures.assertFails;
import static org.wsbyhand.protocol.handshake.Fixtures.get;
import static org.wsbyhand.protocol.handshake.Fixtures.validHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerHandshakeTest {

    private static final ServerHandshake PLAIN = ServerHandshake.builder().build();

    @Nested
    class RfcExample {
        @Test
        void theRfcSampleRequestGetsTheRfcSampleResponseByteForByte() throws HandshakeException {
            ServerHandshake server = ServerHandshake.builder().subprotocols("chat").build();
            HandshakeResult result = server.accept(Fixtures.parseRequest(Fixtures.RFC_REQUEST));
            assertEquals(Fixtures.RFC_RESPONSE, Fixtures.text(result.response().toBytes()));
            assertEquals(Optional.of("chat"), result.subprotocol());
            assertEquals(List.of(), result.extensions());
        }

        @Test
        void theAcceptValueIsDerivedFromTheKey() throws HandshakeException {
            HandshakeResult result = PLAIN.accept(get(validHeaders().set("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==").build()));
            assertEquals(Optional.of(AcceptKey.of("AAAAAAAAAAAAAAAAAAAAAA==")),
                    result.response().headers().first("Sec-WebSocket-Accept"));
        }

        @Test
        void extraHeadersFollowTheWebSocketFields() throws HandshakeException {
            HandshakeResult result = PLAIN.accept(get(validHeaders().build()), Headers.of("Set-Cookie", "id=1"));
            List<Headers.Field> fields = result.response().headers().fields();
            assertEquals(new Headers.Field("Set-Cookie", "id=1"), fields.get(fields.size() - 1));
            assertEquals(4, fields.size());
        }
    }

    @Nested
    class RequestLine {
        @ParameterizedTest
        @ValueSource(strings = {"POST", "HEAD", "get", "PUT"})
        void aMethodOtherThanGetGets405WithAllowGet(String method) {
            HandshakeException e = assertFails(HandshakeFailure.METHOD_NOT_ALLOWED, 405,
                    () -> PLAIN.accept(new HttpRequest(method, "/chat", "HTTP/1.1", validHeaders().build())));
            assertEquals(Optional.of("GET"), e.headers().first("Allow"));
            assertEquals(Optional.of("GET"), e.toResponse().headers().first("Allow"));
        }

        @Test
        void http10Gets400() {
            assertFails(HandshakeFailure.UNSUPPORTED_HTTP_VERSION, 400,
                    () -> PLAIN.accept(new HttpRequest("GET", "/chat", "HTTP/1.0", validHeaders().build())));
        }

        @Test
        void http10ParsedFromBytesGets400() {
            String head = Fixtures.RFC_REQUEST.replace("HTTP/1.1", "HTTP/1.0");
            assertFails(HandshakeFailure.UNSUPPORTED_HTTP_VERSION, 400, () -> PLAIN.accept(Fixtures.parseRequest(head)));
        }

        @Test
        void aLaterHttp1MinorVersionIsAccepted() throws HandshakeException {
            PLAIN.accept(new HttpRequest("GET", "/chat", "HTTP/1.2", validHeaders().build()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"*", "chat", "example.com:80", "/chat#frag", "ws://h/chat#f"})
        void aTargetThatIsNotAPathOrAbsoluteUriWithoutFragmentGets400(String target) {
            assertFails(HandshakeFailure.INVALID_TARGET, 400,
                    () -> PLAIN.accept(new HttpRequest("GET", target, "HTTP/1.1", validHeaders().build())));
        }

        @Test
        void anAbsoluteFormTargetIsAccepted() throws HandshakeException {
            PLAIN.accept(new HttpRequest("GET", "ws://server.example.com/chat", "HTTP/1.1", validHeaders().build()));
        }
    }

    @Nested
    class RequiredHeaders {
        @Test
        void aMissingHostGets400() {
            assertFails(HandshakeFailure.MISSING_HOST, 400, () -> PLAIN.accept(get(validHeaders().remove("Host").build())));
        }

        @Test
        void anEmptyOrRepeatedHostGets400() {
            assertFails(HandshakeFailure.MISSING_HOST, 400, () -> PLAIN.accept(get(validHeaders().set("Host", "").build())));
            assertFails(HandshakeFailure.MISSING_HOST, 400, () -> PLAIN.accept(get(validHeaders().add("Host", "b").build())));
        }

        @Test
        void aMissingUpgradeGets400() {
            assertFails(HandshakeFailure.NOT_A_WEBSOCKET_UPGRADE, 400,
                    () -> PLAIN.accept(get(validHeaders().remove("Upgrade").build())));
        }

        @ParameterizedTest
        @ValueSource(strings = {"h2c", "websocket2", "web socket", "websocket/13x"})
        void anUpgradeWithoutTheWebsocketTokenGets400(String upgrade) {
            assertFails(HandshakeFailure.NOT_A_WEBSOCKET_UPGRADE, 400,
                    () -> PLAIN.accept(get(validHeaders().set("Upgrade", upgrade).build())));
        }

        @ParameterizedTest
        @ValueSource(strings = {"keep-alive", "close", "upgrades", "Upgrade-Insecure"})
        void aConnectionWithoutTheUpgradeTokenGets400(String connection) {
            assertFails(HandshakeFailure.MISSING_CONNECTION_UPGRADE, 400,
                    () -> PLAIN.accept(get(validHeaders().set("Connection", connection).build())));
        }

        @Test
        void aMissingConnectionGets400() {
            assertFails(HandshakeFailure.MISSING_CONNECTION_UPGRADE, 400,
                    () -> PLAIN.accept(get(validHeaders().remove("Connection").build())));
        }
    }

    @Nested
    class TokenLists {
        @ParameterizedTest
        @ValueSource(strings = {"keep-alive, Upgrade", "upgrade", "UPGRADE", "Upgrade,keep-alive", " , Upgrade ,"})
        void connectionIsACaseInsensitiveTokenList(String connection) throws HandshakeException {
            PLAIN.accept(get(validHeaders().set("Connection", connection).build()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"WebSocket", "WEBSOCKET", "h2c, websocket"})
        void upgradeIsACaseInsensitiveTokenList(String upgrade) throws HandshakeException {
            PLAIN.accept(get(validHeaders().set("Upgrade", upgrade).build()));
        }

        @Test
        void tokensMaySpanSeveralConnectionFields() throws HandshakeException {
            PLAIN.accept(get(validHeaders().set("Connection", "keep-alive").add("Connection", "Upgrade").build()));
        }
    }

    @Nested
    class Key {
        @Test
        void aMissingKeyGets400() {
            assertFails(HandshakeFailure.MISSING_KEY, 400,
                    () -> PLAIN.accept(get(validHeaders().remove("Sec-WebSocket-Key").build())));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "not base64 at all!!!!!==",
            "dGhlIHNhbXBsZSBub25j",      // 15 bytes
            "dGhlIHNhbXBsZSBub25jZSE=",  // 17 bytes
            "dGhlIHNhbXBsZSBub25jZQ",    // unpadded
            "",
        })
        void aKeyThatIsNotSixteenBytesOfBase64Gets400(String key) {
            assertFails(HandshakeFailure.INVALID_KEY, 400,
                    () -> PLAIN.accept(get(validHeaders().set("Sec-WebSocket-Key", key).build())));
        }

        @Test
        void twoKeysGet400() {
            assertFails(HandshakeFailure.INVALID_KEY, 400,
                    () -> PLAIN.accept(get(validHeaders().add("Sec-WebSocket-Key", Fixtures.RFC_KEY).build())));
        }
    }

    @Nested
    class Version {
        @Test
        void aMissingVersionGets426WithTheSupportedVersion() {
            HandshakeException e = assertFails(HandshakeFailure.UNSUPPORTED_WEBSOCKET_VERSION, 426,
                    () -> PLAIN.accept(get(validHeaders().remove("Sec-WebSocket-Version").build())));
            assertEquals(Optional.of("13"), e.headers().first("Sec-WebSocket-Version"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"8", "12", "14", "13, 8", "013"})
        void anyVersionButThirteenGets426WithTheSupportedVersion(String version) {
            HandshakeException e = assertFails(HandshakeFailure.UNSUPPORTED_WEBSOCKET_VERSION, 426,
                    () -> PLAIN.accept(get(validHeaders().set("Sec-WebSocket-Version", version).build())));
            assertEquals("""
                    HTTP/1.1 426 Upgrade Required\r
                    Content-Type: text/plain; charset=utf-8\r
                    Content-Length: %d\r
                    Connection: close\r
                    Sec-WebSocket-Version: 13\r
                    \r
                    %s
                    """.formatted(e.body().length, e.reason()), Fixtures.text(e.responseBytes()));
        }

        @Test
        void twoVersionFieldsGet426() {
            assertFails(HandshakeFailure.UNSUPPORTED_WEBSOCKET_VERSION, 426,
                    () -> PLAIN.accept(get(validHeaders().add("Sec-WebSocket-Version", "13").build())));
        }
    }

    @Nested
    class Subprotocols {
        private final ServerHandshake server = ServerHandshake.builder().subprotocols("v2.chat", "chat").build();

        private HandshakeResult offer(String... fields) throws HandshakeException {
            Headers.Builder headers = validHeaders();
            for (String field : fields) {
                headers.add("Sec-WebSocket-Protocol", field);
            }
            return server.accept(get(headers.build()));
        }

        @Test
        void theServersPreferenceWinsOverTheClientsOrder() throws HandshakeException {
            HandshakeResult result = offer("chat, v2.chat");
            assertEquals(Optional.of("v2.chat"), result.subprotocol());
            assertEquals(List.of("v2.chat"), result.response().headers().all("Sec-WebSocket-Protocol"));
        }

        @Test
        void aSupportedProtocolTheClientOfferedIsChosenEvenIfLessPreferred() throws HandshakeException {
            assertEquals(Optional.of("chat"), offer("superchat, chat").subprotocol());
        }

        @Test
        void offersAcrossTwoHeaderLinesAreCombined() throws HandshakeException {
            assertEquals(Optional.of("v2.chat"), offer("superchat, chat", "v2.chat").subprotocol());
        }

        @Test
        void noOfferMeansNoProtocolHeader() throws HandshakeException {
            HandshakeResult result = offer();
            assertEquals(Optional.empty(), result.subprotocol());
            assertFalse(result.response().headers().contains("Sec-WebSocket-Protocol"));
        }

        @Test
        void noAcceptableOfferMeansNoProtocolHeaderAndTheClientDecides() throws HandshakeException {
            HandshakeResult result = offer("superchat, mqtt");
            assertEquals(Optional.empty(), result.subprotocol());
            assertFalse(result.response().headers().contains("Sec-WebSocket-Protocol"));
        }

        @Test
        void protocolsAreComparedCaseSensitively() throws HandshakeException {
            assertEquals(Optional.empty(), offer("CHAT, V2.Chat").subprotocol());
        }

        @Test
        void aServerWithoutProtocolsNeverEchoesOne() throws HandshakeException {
            assertEquals(Optional.empty(), PLAIN.accept(get(validHeaders().add("Sec-WebSocket-Protocol", "chat").build()))
                    .subprotocol());
        }

        @Test
        void anOfferThatIsNotATokenListGets400() {
            assertFails(HandshakeFailure.MALFORMED_SUBPROTOCOLS, 400, () -> offer("chat; v=1"));
            assertFails(HandshakeFailure.MALFORMED_SUBPROTOCOLS, 400, () -> offer("my chat"));
        }

        @Test
        void theBuilderRejectsInvalidAndDuplicateProtocols() {
            assertThrows(IllegalArgumentException.class, () -> ServerHandshake.builder().subprotocols("a b"));
            assertThrows(IllegalArgumentException.class, () -> ServerHandshake.builder().subprotocols("a", "a"));
        }
    }

    @Nested
    class Extensions {
        /** Records what it was called with, and accepts the first offer without parameters. */
        private static final class Recording implements ExtensionNegotiator {
            private final String name;
            final List<List<ExtensionOffer>> calls = new ArrayList<>();

            Recording(String name) {
                this.name = name;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<ExtensionOffer> negotiate(List<ExtensionOffer> offersOfThisName) {
                calls.add(offersOfThisName);
                return Optional.of(ExtensionOffer.of(name));
            }
        }

        private static HttpRequest offering(String... fields) {
            Headers.Builder headers = validHeaders();
            for (String field : fields) {
                headers.add("Sec-WebSocket-Extensions", field);
            }
            return get(headers.build());
        }

        @Test
        void eachNegotiatorGetsTheOffersOfItsNameInTheClientsOrder() throws HandshakeException {
            Recording deflate = new Recording("permessage-deflate");
            ServerHandshake server = ServerHandshake.builder().extension(deflate).build();
            HandshakeResult result = server.accept(offering(
                    "permessage-deflate; client_max_window_bits, x-unknown", "permessage-deflate"));
            assertEquals(List.of(List.of(
                    ExtensionOffer.of("permessage-deflate", ExtensionParameter.of("client_max_window_bits")),
                    ExtensionOffer.of("permessage-deflate"))), deflate.calls);
            assertEquals(List.of(ExtensionOffer.of("permessage-deflate")), result.extensions());
            assertEquals(List.of("permessage-deflate"), result.response().headers().all("Sec-WebSocket-Extensions"));
        }

        @Test
        void acceptedExtensionsAreListedInTheOrderTheClientNamedThem() throws HandshakeException {
            ServerHandshake server = ServerHandshake.builder()
                    .extension(new Recording("a")).extension(new Recording("b")).build();
            HandshakeResult result = server.accept(offering("b; x=1", "a"));
            assertEquals(List.of(ExtensionOffer.of("b"), ExtensionOffer.of("a")), result.extensions());
            assertEquals(Optional.of("b, a"), result.response().headers().first("Sec-WebSocket-Extensions"));
        }

        @Test
        void aNegotiatorWhoseExtensionWasNotOfferedIsNotCalled() throws HandshakeException {
            Recording deflate = new Recording("permessage-deflate");
            HandshakeResult result = ServerHandshake.builder().extension(deflate).build().accept(offering("x-foo"));
            assertEquals(List.of(), deflate.calls);
            assertEquals(List.of(), result.extensions());
            assertFalse(result.response().headers().contains("Sec-WebSocket-Extensions"));
        }

        @Test
        void aDecliningNegotiatorLeavesTheExtensionOut() throws HandshakeException {
            ExtensionNegotiator declining = new ExtensionNegotiator() {
                @Override
                public String name() {
                    return "permessage-deflate";
                }

                @Override
                public Optional<ExtensionOffer> negotiate(List<ExtensionOffer> offers) {
                    return Optional.empty();
                }
            };
            HandshakeResult result = ServerHandshake.builder().extension(declining).build()
                    .accept(offering("permessage-deflate"));
            assertEquals(List.of(), result.extensions());
        }

        @Test
        void aNegotiatorMayFailTheHandshake() {
            ExtensionNegotiator failing = new ExtensionNegotiator() {
                @Override
                public String name() {
                    return "x";
                }

                @Override
                public Optional<ExtensionOffer> negotiate(List<ExtensionOffer> offers) throws HandshakeException {
                    throw new HandshakeException(HandshakeFailure.MALFORMED_EXTENSIONS, "bad x parameters");
                }
            };
            ServerHandshake server = ServerHandshake.builder().extension(failing).build();
            assertFails(HandshakeFailure.MALFORMED_EXTENSIONS, 400, () -> server.accept(offering("x")));
        }

        @Test
        void aNegotiatorAnsweringWithAnotherNameIsAProgrammingError() {
            ServerHandshake server = ServerHandshake.builder().extension(new ExtensionNegotiator() {
                @Override
                public String name() {
                    return "a";
                }

                @Override
                public Optional<ExtensionOffer> negotiate(List<ExtensionOffer> offers) {
                    return Optional.of(ExtensionOffer.of("b"));
                }
            }).build();
            assertThrows(IllegalStateException.class, () -> server.accept(offering("a")));
        }

        @Test
        void malformedExtensionHeadersGet400EvenWithoutNegotiators() {
            assertFails(HandshakeFailure.MALFORMED_EXTENSIONS, 400, () -> PLAIN.accept(offering("a; b=\"1 2\"")));
        }

        @Test
        void theBuilderRejectsTwoNegotiatorsForOneName() {
            ServerHandshake.Builder builder = ServerHandshake.builder().extension(new Recording("a"));
            assertThrows(IllegalArgumentException.class, () -> builder.extension(new Recording("a")));
        }
    }
}
