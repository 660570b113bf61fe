package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.wsbyhand.protocol.FuzzInput;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.deflate.DeflateNegotiation;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.protocol.deflate.DeflateParameters;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;

/**
 * Fuzzes the client side of the opening handshake: {@link HttpHeadParser#forResponse} on any bytes
 * in any chunking, then {@link ClientHandshake#validate} and, when the client offered it,
 * {@link DeflateNegotiation#clientAgreement} on every response that parses. The client's key is
 * fixed (sixteen zero bytes, {@value #KEY}) so that inputs can carry the right accept value,
 * {@value #ACCEPT}.
 *
 * <p>Input: a configuration byte (bits 0-1: the head limits of {@link HeadFeeding#LIMITS}; bit 2:
 * the client offers the subprotocols {@code chat.v2} and {@code json}; bit 3: it offers
 * permessage-deflate; bits 4-5: with which options), a chunker (see
 * {@link FuzzInput#nextChunker()}), then the response bytes.
 *
 * <p>Checked: the parser invariants of {@link HeadFeeding}; {@code validate} throws nothing but
 * {@link HandshakeException} carrying the status the server sent and a failure that the response
 * really earns (status not 101, missing Upgrade or Connection token, accept value missing, repeated
 * or wrong, a subprotocol or extension not offered); a validated response is a 101 with the right
 * accept value, an offered subprotocol and offered extensions, each once; the deflate agreement
 * either fails with {@link HandshakeFailure#INVALID_EXTENSION_PARAMETERS} (status 101) or is one
 * this client can honour: a 15-bit client window, and the no-context-takeover it asked for.
 */
class ClientHandshakeFuzzTest {

    static final String KEY = "AAAAAAAAAAAAAAAAAAAAAA==";
    static final String ACCEPT = "ICX+Yqv66kxgM0FcWaLWlFLwTAI=";

    private static final DeflateOptions[] DEFLATE_OPTIONS = {
        DeflateOptions.defaults(),
        DeflateOptions.defaults().withNoContextTakeover(),
        DeflateOptions.defaults().withServerNoContextTakeover(true),
        DeflateOptions.defaults().withClientNoContextTakeover(true),
    };

    /** Sixteen zero bytes for the key, whatever is asked. */
    private static final RandomGenerator ZEROS = () -> 0L;

    @FuzzTest(maxDuration = "45s")
    void clientParsesAndJudgesAnyResponseAsDocumented(byte[] input) {
        FuzzInput in = new FuzzInput(input);
        int config = in.nextByte();
        Limits limits = HeadFeeding.LIMITS[config & 3];
        boolean offersProtocols = (config & 4) != 0;
        boolean offersDeflate = (config & 8) != 0;
        DeflateOptions deflateOptions = DEFLATE_OPTIONS[(config >> 4) & 3];
        ClientHandshake.Builder builder = ClientHandshake.builder("example.com").random(ZEROS);
        if (offersProtocols) {
            builder.subprotocols("chat.v2", "json");
        }
        if (offersDeflate) {
            builder.extension(DeflateNegotiation.offer(deflateOptions));
        }
        ClientHandshake handshake = builder.build();
        assertEquals(KEY, handshake.key(), "the fixed key");
        assertEquals(ACCEPT, handshake.expectedAccept(), "the accept value of the fixed key");
        FuzzInput.Chunker chunker = in.nextChunker();
        byte[] head = in.rest();

        HeadFeeding.Outcome outcome = HeadFeeding.feed(false, limits, chunker, head);
        if (!outcome.complete()) {
            return;
        }
        HttpResponse response = outcome.parser().response();
        HandshakeResult result;
        try {
            result = handshake.validate(response);
        } catch (HandshakeException e) {
            checkRejection(response, offersProtocols, offersDeflate, e);
            return;
        }
        checkValidated(response, offersProtocols, offersDeflate, result);
        Optional<DeflateParameters> agreed;
        try {
            agreed = DeflateNegotiation.clientAgreement(result, deflateOptions);
        } catch (HandshakeException e) {
            assertEquals(HandshakeFailure.INVALID_EXTENSION_PARAMETERS, e.failure(), "deflate agreement failure");
            assertEquals(101, e.status(), "status of a refused deflate agreement");
            return;
        }
        if (agreed.isPresent()) {
            DeflateParameters parameters = agreed.get();
            assertTrue(offersDeflate, "permessage-deflate agreed without an offer");
            assertTrue(parameters.clientMaxWindowBits() <= deflateOptions.clientMaxWindowBits(),
                    "the client agreed to a larger window than it offered (RFC 7692 7.1.2.2)");
            assertTrue(parameters.serverMaxWindowBits() <= deflateOptions.serverMaxWindowBits(),
                    "the client agreed to a larger server window than it offered (RFC 7692 7.1.2.1)");
            if (deflateOptions.serverNoContextTakeover()) {
                assertTrue(parameters.serverNoContextTakeover(), "server_no_context_takeover asked for but not agreed");
            }
            if (deflateOptions.clientNoContextTakeover()) {
                assertTrue(parameters.clientNoContextTakeover(), "client_no_context_takeover offered but not kept");
            }
            try (PerMessageDeflate deflate = new PerMessageDeflate(Role.CLIENT, parameters, deflateOptions)) {
                assertTrue(deflate.canCompress(), "an agreed client cannot compress");
            }
        }
    }

    private static void checkRejection(HttpResponse response, boolean offersProtocols, boolean offersDeflate,
            HandshakeException e) {
        assertEquals(response.status(), e.status(), "a client failure carries the status the server sent");
        Headers headers = response.headers();
        switch (e.failure()) {
            case UNEXPECTED_STATUS -> assertTrue(response.status() != 101, "refused a 101");
            case NOT_A_WEBSOCKET_UPGRADE -> assertFalse(headers.containsToken("Upgrade", "websocket"), "refused Upgrade");
            case MISSING_CONNECTION_UPGRADE -> assertFalse(headers.containsToken("Connection", "upgrade"), "refused Connection");
            case ACCEPT_MISMATCH -> assertFalse(headers.all("Sec-WebSocket-Accept").equals(List.of(ACCEPT)), "refused the right accept");
            case UNEXPECTED_SUBPROTOCOL -> {
                List<String> chosen = headers.all("Sec-WebSocket-Protocol");
                assertFalse(chosen.size() == 1 && offersProtocols && List.of("chat.v2", "json").contains(chosen.get(0)),
                        "refused subprotocol " + chosen);
            }
            case MALFORMED_EXTENSIONS -> {
                try {
                    ExtensionOffer.parseAll(headers);
                    fail("refused extensions that parse");
                } catch (HandshakeException expected) {
                    // malformed indeed
                }
            }
            case UNEXPECTED_EXTENSION -> {
                List<ExtensionOffer> accepted;
                try {
                    accepted = ExtensionOffer.parseAll(headers);
                } catch (HandshakeException malformed) {
                    throw new AssertionError("malformed extensions reported as unexpected", malformed);
                }
                Set<String> seen = new HashSet<>();
                boolean fine = true;
                for (ExtensionOffer extension : accepted) {
                    fine &= offersDeflate && extension.name().equals(DeflateNegotiation.EXTENSION_NAME) && seen.add(extension.name());
                }
                assertFalse(fine, "refused extensions that were offered, once each: " + accepted);
            }
            default -> fail("validate failed with " + e.failure() + ", which is not a response rule");
        }
    }

    private static void checkValidated(HttpResponse response, boolean offersProtocols, boolean offersDeflate,
            HandshakeResult result) {
        Headers headers = response.headers();
        assertEquals(101, response.status(), "validated status");
        assertTrue(headers.containsToken("Upgrade", "websocket") && headers.containsToken("Connection", "upgrade"),
                "validated without Upgrade/Connection tokens");
        assertEquals(List.of(ACCEPT), headers.all("Sec-WebSocket-Accept"), "validated accept value");
        if (result.subprotocol().isPresent()) {
            assertTrue(offersProtocols && List.of("chat.v2", "json").contains(result.subprotocol().get()),
                    "validated subprotocol " + result.subprotocol());
        } else {
            assertTrue(headers.all("Sec-WebSocket-Protocol").isEmpty(), "a subprotocol field without a subprotocol");
        }
        Set<String> names = new HashSet<>();
        for (ExtensionOffer extension : result.extensions()) {
            assertTrue(offersDeflate && extension.name().equals(DeflateNegotiation.EXTENSION_NAME),
                    "validated extension " + extension.name());
            assertTrue(names.add(extension.name()), "validated extension " + extension.name() + " twice");
        }
    }
}
