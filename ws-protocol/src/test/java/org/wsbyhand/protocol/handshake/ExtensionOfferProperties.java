package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ExtensionOfferProperties {

    @Provide
    Arbitrary<List<ExtensionOffer>> offerLists() {
        return Generators.extensionOfferLists(Generators.tokens());
    }

    /** Strings made mostly of the characters the extension grammar cares about. */
    @Provide
    Arbitrary<String> headerLike() {
        return Arbitraries.strings().withChars("ab=;,\" \t\\-_1").withCharRange((char) 0, (char) 0xFF).ofMaxLength(40);
    }

    @Property
    void renderedOffersParseBackToTheSameOffers(@ForAll("offerLists") List<ExtensionOffer> offers)
            throws HandshakeException {
        assertEquals(offers, ExtensionOffer.parse(ExtensionOffer.render(offers)));
    }

    @Property
    void quotingEveryValueDoesNotChangeTheParsedOffers(@ForAll("offerLists") List<ExtensionOffer> offers)
            throws HandshakeException {
        StringBuilder quoted = new StringBuilder();
        for (ExtensionOffer offer : offers) {
            quoted.append(offer.name());
            for (ExtensionParameter parameter : offer.parameters()) {
                quoted.append(" ;\t").append(parameter.name());
                if (parameter.value() != null) {
                    quoted.append(" = \"").append(parameter.value().replace("\\", "\\\\").replace("'", "\\'")).append('"');
                }
            }
            quoted.append(" ,, ");
        }
        assertEquals(offers, ExtensionOffer.parse(quoted.toString()));
    }

    @Property
    void arbitraryHeaderValuesEitherParseOrFailWith400(@ForAll("headerLike") String value) {
        try {
            List<ExtensionOffer> offers = ExtensionOffer.parse(value);
            // Whatever parsed must render to something that parses to the same offers.
            assertEquals(offers, ExtensionOffer.parse(ExtensionOffer.render(offers)));
        } catch (HandshakeException e) {
            assertEquals(HandshakeFailure.MALFORMED_EXTENSIONS, e.failure());
            assertEquals(400, e.status());
        }
    }
}
