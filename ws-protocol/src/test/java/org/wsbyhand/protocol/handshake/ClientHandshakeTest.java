package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsbyhand.protocol.handshake.Fixtures.assertFails;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbyhand.protocol.Limits;

class ClientHandshakeTest {

    private static final ExtensionOffer DEFLATE = ExtensionOffer.of("permessage-deflate",
            ExtensionParameter.of("client_max_window_bits"));

    private static ClientHandshake client() {
        return ClientHandshake.builder("server.example.com")
                .resource("/chat?room=1")
                .subprotocols("v2.chat", "chat")
                .extension(DEFLATE)
                .origin("http://example.com")
                .random(new Random(3))
                .build();
    }

    /** A 101 response that is right for {@code client}, plus {@code extra} fields. */
    private static HttpResponse switching(ClientHandshake client, String... extra) {
        Headers.Builder headers = Headers.builder()
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Accept", AcceptKey.of(client.key()));
        for (int i = 0; i < extra.length; i += 2) {
            headers.add(extra[i], extra[i + 1]);
        }
        return new HttpResponse("HTTP/1.1", 101, "Switching Protocols", headers.build());
    }

    @Nested
    class Request {
        @Test
        void theRequestCarriesEveryFieldOfRfc6455Section41InOrder() {
            ClientHandshake client = client();
            HttpRequest request = client.request();
            assertEquals("GET", request.method());
            assertEquals("/chat?room=1", request.target());
            assertEquals("HTTP/1.1", request.version());
            assertEquals(Headers.builder()
                    .add("Host", "server.example.com")
                    .add("Upgrade", "websocket")
                    .add("Connection", "Upgrade")
                    .add("Sec-WebSocket-Key", client.key())
                    .add("Sec-WebSocket-Version", "13")
                    .add("Sec-WebSocket-Protocol", "v2.chat, chat")
                    .add("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")
                    .add("Origin", "http://example.com")
                    .build(), request.headers());
        }

        @Test
        void theKeyIsSixteenBytesFromTheInjectedRandom() {
            byte[] expected = new byte[16];
            new Random(3).nextBytes(expected);
            assertArrayEquals(expected, AcceptKey.decode(client().key()).orElseThrow());
        }

        @Test
        void everyBuildDrawsAFreshKey() {
            ClientHandshake.Builder builder = ClientHandshake.builder("h");
            assertNotEquals(builder.build().key(), builder.build().key());
        }

        @Test
        void aMinimalRequestHasOnlyTheRequiredFields() {
            HttpRequest request = ClientHandshake.builder("h").build().request();
            assertEquals("/", request.target());
            assertEquals(List.of("Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version"),
                    request.headers().fields().stream().map(Headers.Field::name).toList());
        }

        @Test
        void theHostFieldCarriesAnExplicitPortAndBracketsIpv6() {
            assertEquals(Optional.of("h:8080"), ClientHandshake.builder("h").port(8080).build().request().headers().first("Host"));
            assertEquals(Optional.of("[::1]:9000"), ClientHandshake.builder("::1").port(9000).build().request().headers().first("Host"));
            assertEquals(Optional.of("[::1]"), ClientHandshake.builder("[::1]").build().request().headers().first("Host"));
        }

        @Test
        void extraHeadersMayNotOverrideHandshakeFields() {
            ClientHandshake.Builder builder = ClientHandshake.builder("h");
            assertThrows(IllegalArgumentException.class, () -> builder.header("sec-websocket-key", "x"));
            assertThrows(IllegalArgumentException.class, () -> builder.header("Connection", "close"));
            builder.header("Cookie", "id=1");
            assertEquals(Optional.of("id=1"), builder.build().request().headers().first("Cookie"));
        }

        @Test
        void theBuilderRejectsInvalidInput() {
            assertThrows(IllegalArgumentException.class, () -> ClientHandshake.builder("h").resource("chat"));
            assertThrows(IllegalArgumentException.class, () -> ClientHandshake.builder("h").resource("/a b"));
            assertThrows(IllegalArgumentException.class, () -> ClientHandshake.builder("h").resource("/a#b"));
            assertThrows(IllegalArgumentException.class, () -> ClientHandshake.builder("h").port(0));
            assertThrows(IllegalArgumentException.class, () -> ClientHandshake.builder("h").subprotocols("a b"));
            assertThrows(IllegalArgumentException.class, () -> ClientHandshake.builder("h").subprotocols("a", "a"));
            assertThrows(IllegalArgumentException.class, () -> ClientHandshake.builder("h o"));
        }
    }

    @Nested
    class Validation {
        @Test
        void aCorrectResponseIsAccepted() throws HandshakeException {
            ClientHandshake client = client();
            HandshakeResult result = client.validate(switching(client,
                    "Sec-WebSocket-Protocol", "chat", "Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits=12"));
            assertEquals(Optional.of("chat"), result.subprotocol());
            assertEquals(List.of(ExtensionOffer.of("permessage-deflate", ExtensionParameter.of("client_max_window_bits", "12"))),
                    result.extensions());
        }

        @Test
        void aResponseWithoutProtocolOrExtensionsIsAccepted() throws HandshakeException {
            ClientHandshake client = client();
            HandshakeResult result = client.validate(switching(client));
            assertEquals(Optional.empty(), result.subprotocol());
            assertEquals(List.of(), result.extensions());
        }

        @Test
        void upgradeAndConnectionAreCaseInsensitiveTokenLists() throws HandshakeException {
            ClientHandshake client = client();
            HttpResponse response = new HttpResponse("HTTP/1.1", 101, "", Headers.of("UPGRADE", "WebSocket",
                    "connection", "keep-alive, UPGRADE", "Sec-WebSocket-Accept", client.expectedAccept()));
            client.validate(response);
        }

        @ParameterizedTest
        @ValueSource(ints = {200, 302, 400, 403, 404, 426, 503})
        void aStatusOtherThan101FailsCarryingThatStatus(int status) {
            ClientHandshake client = client();
            HttpResponse response = new HttpResponse("HTTP/1.1", status, "Nope", Headers.empty());
            assertFails(HandshakeFailure.UNEXPECTED_STATUS, status, () -> client.validate(response));
        }

        @Test
        void aWrongAcceptValueFails() {
            ClientHandshake client = client();
            HttpResponse response = new HttpResponse("HTTP/1.1", 101, "Switching Protocols", Headers.of(
                    "Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", Fixtures.RFC_ACCEPT));
            assertFails(HandshakeFailure.ACCEPT_MISMATCH, 101, () -> client.validate(response));
        }

        @Test
        void aMissingOrRepeatedAcceptValueFails() {
            ClientHandshake client = client();
            HttpResponse missing = new HttpResponse("HTTP/1.1", 101, "", Headers.of("Upgrade", "websocket", "Connection", "Upgrade"));
            assertFails(HandshakeFailure.ACCEPT_MISMATCH, 101, () -> client.validate(missing));
            HttpResponse twice = switching(client, "Sec-WebSocket-Accept", client.expectedAccept());
            assertFails(HandshakeFailure.ACCEPT_MISMATCH, 101, () -> client.validate(twice));
        }

        @Test
        void aMissingUpgradeOrConnectionFails() {
            ClientHandshake client = client();
            HttpResponse noUpgrade = new HttpResponse("HTTP/1.1", 101, "",
                    Headers.of("Connection", "Upgrade", "Sec-WebSocket-Accept", client.expectedAccept()));
            assertFails(HandshakeFailure.NOT_A_WEBSOCKET_UPGRADE, 101, () -> client.validate(noUpgrade));
            HttpResponse noConnection = new HttpResponse("HTTP/1.1", 101, "",
                    Headers.of("Upgrade", "websocket", "Sec-WebSocket-Accept", client.expectedAccept()));
            assertFails(HandshakeFailure.MISSING_CONNECTION_UPGRADE, 101, () -> client.validate(noConnection));
        }

        @Test
        void aSubprotocolWeDidNotOfferFails() {
            ClientHandshake client = client();
            assertFails(HandshakeFailure.UNEXPECTED_SUBPROTOCOL, 101,
                    () -> client.validate(switching(client, "Sec-WebSocket-Protocol", "superchat")));
            assertFails(HandshakeFailure.UNEXPECTED_SUBPROTOCOL, 101,
                    () -> client.validate(switching(client, "Sec-WebSocket-Protocol", "CHAT")));
        }

        @Test
        void anyChosenSubprotocolFailsWhenWeOfferedNone() {
            ClientHandshake client = ClientHandshake.builder("h").build();
            assertFails(HandshakeFailure.UNEXPECTED_SUBPROTOCOL, 101,
                    () -> client.validate(switching(client, "Sec-WebSocket-Protocol", "chat")));
        }

        @Test
        void moreThanOneChosenSubprotocolFails() {
            ClientHandshake client = client();
            assertFails(HandshakeFailure.UNEXPECTED_SUBPROTOCOL, 101,
                    () -> client.validate(switching(client, "Sec-WebSocket-Protocol", "chat, v2.chat")));
            assertFails(HandshakeFailure.UNEXPECTED_SUBPROTOCOL, 101, () -> client.validate(switching(client,
                    "Sec-WebSocket-Protocol", "chat", "Sec-WebSocket-Protocol", "chat")));
        }

        @Test
        void anExtensionWeDidNotOfferFails() {
            ClientHandshake client = client();
            assertFails(HandshakeFailure.UNEXPECTED_EXTENSION, 101,
                    () -> client.validate(switching(client, "Sec-WebSocket-Extensions", "x-webkit-deflate-frame")));
        }

        @Test
        void anExtensionAcceptedTwiceFails() {
            ClientHandshake client = client();
            assertFails(HandshakeFailure.UNEXPECTED_EXTENSION, 101, () -> client.validate(switching(client,
                    "Sec-WebSocket-Extensions", "permessage-deflate, permessage-deflate")));
        }

        @Test
        void aMalformedExtensionsHeaderFailsCarryingStatus101() {
            ClientHandshake client = client();
            assertFails(HandshakeFailure.MALFORMED_EXTENSIONS, 101,
                    () -> client.validate(switching(client, "Sec-WebSocket-Extensions", "permessage-deflate;")));
        }
    }

    @Nested
    class RoundTrip {
        @Test
        void clientAndServerCompleteTheHandshakeThroughBytesInMemory() throws HandshakeException {
            ClientHandshake client = client();
            ServerHandshake server = ServerHandshake.builder()
                    .subprotocols("chat", "v2.chat")
                    .extension(new Fixtures.AcceptFirst("permessage-deflate"))
                    .build();

            // Client -> server, with the client's first frame pipelined behind the request.
            byte[] request = client.request().toBytes();
            byte[] firstFrame = {(byte) 0x81, (byte) 0x80, 9, 8, 7, 6};
            ByteBuffer toServer = ByteBuffer.allocate(request.length + firstFrame.length).put(request).put(firstFrame).flip();
            HttpHeadParser serverParser = HttpHeadParser.forRequest(Limits.defaults());
            assertTrue(serverParser.feed(toServer));
            assertEquals(firstFrame.length, toServer.remaining());
            HandshakeResult accepted = server.accept(serverParser.request());

            // Server -> client.
            HttpHeadParser clientParser = HttpHeadParser.forResponse(Limits.defaults());
            assertTrue(clientParser.feed(ByteBuffer.wrap(accepted.response().toBytes())));
            HandshakeResult validated = client.validate(clientParser.response());

            assertEquals(Optional.of("chat"), accepted.subprotocol());
            assertEquals(accepted.subprotocol(), validated.subprotocol());
            assertEquals(List.of(DEFLATE), accepted.extensions());
            assertEquals(accepted.extensions(), validated.extensions());
            assertEquals(accepted.response(), validated.response());
            assertEquals("/chat", serverParser.request().path());
            assertEquals("room=1", serverParser.request().query());
            assertEquals(Optional.of("http://example.com"), serverParser.request().headers().first("Origin"));
        }

        @Test
        void aServerErrorResponseReachesTheClientWithItsStatus() throws HandshakeException {
            HandshakeException rejected = HandshakeException.reject(403, "origin not allowed");
            HttpHeadParser clientParser = HttpHeadParser.forResponse(Limits.defaults());
            ByteBuffer bytes = ByteBuffer.wrap(rejected.responseBytes());
            assertTrue(clientParser.feed(bytes));
            assertEquals("origin not allowed\n".length(), bytes.remaining());
            ClientHandshake client = client();
            assertFails(HandshakeFailure.UNEXPECTED_STATUS, 403, () -> client.validate(clientParser.response()));
        }
    }
}
