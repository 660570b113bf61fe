package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.wsbyhand.protocol.FuzzInput;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.deflate.DeflateNegotiation;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.protocol.deflate.DeflateParameters;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;

/**
 * Fuzzes the server side of the opening handshake: {@link HttpHeadParser#forRequest} on any bytes
 * in any chunking, then {@link ServerHandshake#accept} on every request that parses.
 *
 * <p>Input: a configuration byte (bits 0-1: the head limits of {@link HeadFeeding#LIMITS}; bit 2:
 * the server speaks the subprotocols {@code chat.v2} and {@code json}; bit 3: it negotiates
 * permessage-deflate; bits 4-5: its deflate options), a chunker (see
 * {@link FuzzInput#nextChunker()}), then the request bytes.
 *
 * <p>Checked: the parser invariants of {@link HeadFeeding}; {@code accept} throws nothing but
 * {@link HandshakeException}, with a 4xx status whose error response can be written and parses as a
 * response with that status; each rejection names a rule the request really breaks (GET, Host, key,
 * version, Upgrade, Connection, Sec-WebSocket-Extensions syntax), and an accepted request keeps all
 * of them; the 101 response carries the accept value of the key, a subprotocol only if the client
 * offered it (the server's first choice among those offered), extensions only of names the client
 * offered; a permessage-deflate agreement can be read back with
 * {@link DeflateNegotiation#serverAgreement} and lets the server compress.
 */
class ServerHandshakeFuzzTest {

    private static final DeflateOptions[] DEFLATE_OPTIONS = {
        DeflateOptions.defaults(),
        DeflateOptions.defaults().withNoContextTakeover(),
        DeflateOptions.defaults().withServerNoContextTakeover(true),
        DeflateOptions.defaults().withClientNoContextTakeover(true),
    };

    @FuzzTest(maxDuration = "60s")
    void serverParsesAndJudgesAnyRequestAsDocumented(byte[] input) {
        FuzzInput in = new FuzzInput(input);
        int config = in.nextByte();
        Limits limits = HeadFeeding.LIMITS[config & 3];
        List<String> supported = (config & 4) != 0 ? List.of("chat.v2", "json") : List.of();
        DeflateOptions deflateOptions = DEFLATE_OPTIONS[(config >> 4) & 3];
        ServerHandshake.Builder builder = ServerHandshake.builder().subprotocols(supported);
        if ((config & 8) != 0) {
            builder.extension(DeflateNegotiation.negotiator(deflateOptions));
        }
        ServerHandshake handshake = builder.build();
        FuzzInput.Chunker chunker = in.nextChunker();
        byte[] head = in.rest();

        HeadFeeding.Outcome outcome = HeadFeeding.feed(true, limits, chunker, head);
        if (!outcome.complete()) {
            return;
        }
        HttpRequest request = outcome.parser().request();
        HandshakeResult result;
        try {
            result = handshake.accept(request);
        } catch (HandshakeException e) {
            checkRejection(request, e);
            return;
        }
        checkAcceptance(request, handshake, result, (config & 8) != 0);
    }

    private static void checkRejection(HttpRequest request, HandshakeException e) {
        assertTrue(e.status() >= 400 && e.status() <= 499, "rejection status " + e.status());
        byte[] response = e.responseBytes();
        HttpHeadParser parser = HttpHeadParser.forResponse(Limits.defaults());
        try {
            assertTrue(parser.feed(ByteBuffer.wrap(response)), "the error response is not a complete head");
        } catch (HandshakeException notAResponse) {
            fail("the error response does not parse: " + notAResponse);
        }
        assertEquals(e.status(), parser.response().status(), "status of the error response");
        Headers headers = request.headers();
        switch (e.failure()) {
            case METHOD_NOT_ALLOWED -> {
                assertFalse(request.method().equals("GET"), "GET refused as a method");
                assertEquals(405, e.status());
                assertEquals(Optional.of("GET"), e.headers().first("Allow"), "405 without Allow: GET");
            }
            case UNSUPPORTED_HTTP_VERSION -> assertTrue(request.version().compareTo("HTTP/1.1") < 0
                    || request.version().charAt(5) != '1', "refused version " + request.version());
            case INVALID_TARGET -> assertTrue(request.target().indexOf('#') >= 0
                    || (!request.target().startsWith("/") && !request.isAbsoluteForm()), "refused target " + request.target());
            case MISSING_HOST -> assertFalse(headers.all("Host").size() == 1 && !headers.all("Host").get(0).isEmpty(),
                    "refused Host " + headers.all("Host"));
            case NOT_A_WEBSOCKET_UPGRADE -> assertFalse(headers.containsToken("Upgrade", "websocket"), "refused Upgrade");
            case MISSING_CONNECTION_UPGRADE -> assertFalse(headers.containsToken("Connection", "upgrade"), "refused Connection");
            case MISSING_KEY -> assertTrue(headers.all("Sec-WebSocket-Key").isEmpty(), "refused as missing a key");
            case INVALID_KEY -> assertFalse(headers.all("Sec-WebSocket-Key").size() == 1
                    && AcceptKey.decode(headers.all("Sec-WebSocket-Key").get(0)).isPresent(), "refused a valid key");
            case UNSUPPORTED_WEBSOCKET_VERSION -> {
                assertFalse(headers.all("Sec-WebSocket-Version").equals(List.of("13")), "refused version 13");
                assertEquals(426, e.status());
                assertEquals(Optional.of("13"), e.headers().first("Sec-WebSocket-Version"), "426 without version 13");
            }
            case MALFORMED_SUBPROTOCOLS -> assertFalse(headers.tokens("Sec-WebSocket-Protocol").stream().allMatch(Syntax::isToken),
                    "refused subprotocols " + headers.tokens("Sec-WebSocket-Protocol"));
            case MALFORMED_EXTENSIONS -> {
                try {
                    ExtensionOffer.parseAll(headers);
                    fail("refused extensions that parse");
                } catch (HandshakeException expected) {
                    // the header is malformed indeed
                }
            }
            default -> fail("accept failed with " + e.failure() + ", which is not a request rule");
        }
    }

    private static void checkAcceptance(HttpRequest request, ServerHandshake handshake, HandshakeResult result,
            boolean negotiatesDeflate) {
        Headers headers = request.headers();
        assertEquals("GET", request.method(), "accepted method");
        assertTrue(request.version().charAt(5) == '1' && request.version().charAt(7) >= '1', "accepted " + request.version());
        assertEquals(1, headers.all("Host").size(), "accepted Host fields");
        assertTrue(headers.containsToken("Upgrade", "websocket") && headers.containsToken("Connection", "upgrade"),
                "accepted without Upgrade/Connection tokens");
        List<String> keys = headers.all("Sec-WebSocket-Key");
        assertEquals(1, keys.size(), "accepted key fields");
        assertTrue(AcceptKey.decode(keys.get(0)).isPresent(), "accepted an invalid key");
        assertEquals(List.of("13"), headers.all("Sec-WebSocket-Version"), "accepted version fields");

        HttpResponse response = result.response();
        assertEquals(101, response.status(), "status of the accepting response");
        assertEquals(List.of(AcceptKey.of(keys.get(0))), response.headers().all("Sec-WebSocket-Accept"), "accept value");
        List<String> offered = headers.tokens("Sec-WebSocket-Protocol");
        Optional<String> expectedProtocol = handshake.subprotocols().stream().filter(offered::contains).findFirst();
        assertEquals(expectedProtocol, result.subprotocol(), "chosen subprotocol");
        assertEquals(expectedProtocol.map(List::of).orElse(List.of()), response.headers().all("Sec-WebSocket-Protocol"),
                "Sec-WebSocket-Protocol of the response");
        List<String> offeredNames;
        try {
            offeredNames = ExtensionOffer.parseAll(headers).stream().map(ExtensionOffer::name).toList();
        } catch (HandshakeException e) {
            throw new AssertionError("accepted a request with malformed extensions", e);
        }
        for (ExtensionOffer accepted : result.extensions()) {
            assertTrue(offeredNames.contains(accepted.name()), "accepted extension " + accepted.name() + " not offered");
        }
        Optional<DeflateParameters> agreed = DeflateNegotiation.serverAgreement(result);
        if (agreed.isPresent()) {
            assertTrue(negotiatesDeflate, "permessage-deflate agreed by a server without the negotiator");
            try (PerMessageDeflate deflate = new PerMessageDeflate(Role.SERVER, agreed.get(), DeflateOptions.defaults())) {
                assertTrue(deflate.canCompress(), "the server agreed to a window its Deflater cannot keep to");
            }
        }
        HttpHeadParser parser = HttpHeadParser.forResponse(Limits.defaults().withMaxHeadSize(1 << 16));
        try {
            assertTrue(parser.feed(ByteBuffer.wrap(response.toBytes())), "the 101 response is not a complete head");
        } catch (HandshakeException e) {
            fail("the 101 response does not parse: " + e);
        }
        assertEquals(response, parser.response(), "the 101 response after writing and parsing");
    }
}
