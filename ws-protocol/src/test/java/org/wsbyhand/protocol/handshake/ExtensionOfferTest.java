package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.wsbyhand.protocol.handshake.Fixtures.assertFails;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExtensionOfferTest {

    private static final ExtensionOffer DEFLATE_WITH_BITS = ExtensionOffer.of("permessage-deflate",
            ExtensionParameter.of("client_max_window_bits"), ExtensionParameter.of("server_max_window_bits", "10"));

    @Nested
    class Parsing {
        @Test
        void parsesSeveralOffersWithParametersWithAndWithoutValues() throws HandshakeException {
            List<ExtensionOffer> offers = ExtensionOffer.parse(
                    "permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate, x-foo");
            assertEquals(List.of(DEFLATE_WITH_BITS, ExtensionOffer.of("permessage-deflate"), ExtensionOffer.of("x-foo")),
                    offers);
        }

        @Test
        void quotedValuesAreUnquotedAndUnescaped() throws HandshakeException {
            List<ExtensionOffer> offers = ExtensionOffer.parse("a; b=\"10\"; c=\"x\\-y\"");
            assertEquals(List.of(ExtensionOffer.of("a", ExtensionParameter.of("b", "10"), ExtensionParameter.of("c", "x-y"))),
                    offers);
        }

        @Test
        void whitespaceAroundSeparatorsIsIgnored() throws HandshakeException {
            assertEquals(List.of(DEFLATE_WITH_BITS), ExtensionOffer.parse(
                    " \tpermessage-deflate ;client_max_window_bits\t;  server_max_window_bits = \"10\" \t"));
        }

        @Test
        void emptyListElementsAreIgnored() throws HandshakeException {
            assertEquals(List.of(ExtensionOffer.of("a"), ExtensionOffer.of("b")), ExtensionOffer.parse(", a ,, b,"));
            assertEquals(List.of(), ExtensionOffer.parse(" , "));
        }

        @Test
        void parseAllReadsEveryFieldInOrder() throws HandshakeException {
            Headers headers = Headers.builder()
                    .add("Sec-WebSocket-Extensions", "a; x=1")
                    .add("Host", "h")
                    .add("sec-websocket-extensions", "b, c")
                    .build();
            assertEquals(List.of(ExtensionOffer.of("a", ExtensionParameter.of("x", "1")), ExtensionOffer.of("b"),
                    ExtensionOffer.of("c")), ExtensionOffer.parseAll(headers));
        }

        @Test
        void noFieldMeansNoOffers() throws HandshakeException {
            assertEquals(List.of(), ExtensionOffer.parseAll(Headers.of("Host", "h")));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "a;", "a; =1", "a; b=", "a; b=\"\"", "a; b=\"1 2\"", "a; b=\"unterminated", "a; b=\"x\\",
            "a b", "a; b c", "a;; b", "\"a\"", "a, ;b", "a; b=1=2", "a; b=(1)", "a/1", "a; b=\"x\ty\"",
        })
        void malformedHeadersFailWith400(String value) {
            assertFails(HandshakeFailure.MALFORMED_EXTENSIONS, 400, () -> ExtensionOffer.parse(value));
        }
    }

    @Nested
    class Rendering {
        @Test
        void toStringWritesHeaderSyntax() {
            assertEquals("permessage-deflate; client_max_window_bits; server_max_window_bits=10",
                    DEFLATE_WITH_BITS.toString());
        }

        @Test
        void renderJoinsOffersWithCommas() {
            assertEquals("permessage-deflate; client_max_window_bits; server_max_window_bits=10, x",
                    ExtensionOffer.render(List.of(DEFLATE_WITH_BITS, ExtensionOffer.of("x"))));
        }

        @Test
        void renderedOffersParseBackToThemselves() throws HandshakeException {
            List<ExtensionOffer> offers = List.of(DEFLATE_WITH_BITS, ExtensionOffer.of("x", ExtensionParameter.of("y")));
            assertEquals(offers, ExtensionOffer.parse(ExtensionOffer.render(offers)));
        }
    }

    @Nested
    class Values {
        @Test
        void parameterFindsTheFirstOfItsName() {
            ExtensionOffer offer = ExtensionOffer.of("e", ExtensionParameter.of("p", "1"), ExtensionParameter.of("p", "2"));
            assertEquals(Optional.of(ExtensionParameter.of("p", "1")), offer.parameter("p"));
            assertEquals(Optional.empty(), offer.parameter("P"));
        }

        @Test
        void aNameThatIsNotATokenIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> ExtensionOffer.of("bad name"));
        }

        @Test
        void parametersAreCopiedAndUnmodifiable() {
            List<ExtensionParameter> parameters = new ArrayList<>(List.of(ExtensionParameter.of("p")));
            ExtensionOffer offer = new ExtensionOffer("e", parameters);
            parameters.clear();
            assertEquals(1, offer.parameters().size());
            assertThrows(UnsupportedOperationException.class, () -> offer.parameters().clear());
        }
    }
}
