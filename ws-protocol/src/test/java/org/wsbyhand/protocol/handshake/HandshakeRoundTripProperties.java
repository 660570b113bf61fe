package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.wsbyhand.protocol.Limits;

/** {@link ClientHandshake} and {@link ServerHandshake} agree with each other, through bytes. */
class HandshakeRoundTripProperties {

    /** A small alphabet of names so that client offers and server support overlap often. */
    private static final Arbitrary<String> NAMES = Arbitraries.of("chat", "v2.chat", "json", "mqtt", "x", "Chat");

    @Provide
    Arbitrary<List<String>> protocolLists() {
        return NAMES.list().uniqueElements().ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<ExtensionOffer>> extensionOffers() {
        return Generators.extensionOfferLists(Arbitraries.of("permessage-deflate", "x-a", "x-b"));
    }

    @Provide
    Arbitrary<Set<String>> negotiatorNames() {
        return Arbitraries.of("permessage-deflate", "x-a", "x-b", "x-c").set().ofMaxSize(3);
    }

    @Provide
    Arbitrary<String> hosts() {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars(".-").ofMinLength(1).ofMaxLength(30);
    }

    @Property(tries = 500)
    void generatedClientRequestsAreAcceptedAndTheServersResponseValidates(
            @ForAll("hosts") String host,
            @ForAll @IntRange(min = 0, max = 65535) int port,
            @ForAll("resources") String resource,
            @ForAll("protocolLists") List<String> offered,
            @ForAll("protocolLists") List<String> supported,
            @ForAll("extensionOffers") List<ExtensionOffer> extensionOffers,
            @ForAll("negotiatorNames") Set<String> negotiated,
            @ForAll long seed) throws HandshakeException {
        ClientHandshake.Builder clientBuilder = ClientHandshake.builder(host).resource(resource)
                .subprotocols(offered.toArray(String[]::new)).random(new Random(seed));
        if (port > 0) {
            clientBuilder.port(port);
        }
        extensionOffers.forEach(clientBuilder::extension);
        ClientHandshake client = clientBuilder.build();
        ServerHandshake.Builder serverBuilder = ServerHandshake.builder().subprotocols(supported);
        negotiated.forEach(name -> serverBuilder.extension(new Fixtures.AcceptFirst(name)));
        ServerHandshake server = serverBuilder.build();

        HttpHeadParser serverSide = HttpHeadParser.forRequest(Limits.defaults());
        assertTrue(serverSide.feed(ByteBuffer.wrap(client.request().toBytes())));
        HandshakeResult accepted = server.accept(serverSide.request());
        HttpHeadParser clientSide = HttpHeadParser.forResponse(Limits.defaults());
        assertTrue(clientSide.feed(ByteBuffer.wrap(accepted.response().toBytes())));
        HandshakeResult validated = client.validate(clientSide.response());

        Optional<String> expectedProtocol = supported.stream().filter(offered::contains).findFirst();
        assertEquals(expectedProtocol, accepted.subprotocol());
        assertEquals(expectedProtocol, validated.subprotocol());
        assertEquals(expectedExtensions(extensionOffers, negotiated), accepted.extensions());
        assertEquals(accepted.extensions(), validated.extensions());
        assertEquals(resource.split("\\?", 2)[0], serverSide.request().path());
    }

    @Provide
    Arbitrary<String> resources() {
        return Arbitraries.strings().alpha().numeric().withChars("/-._~%!$&'()*+,;=:@?").ofMaxLength(40).map(s -> "/" + s);
    }

    /** The first offer of each negotiated name, in the order the client first named them. */
    private static List<ExtensionOffer> expectedExtensions(List<ExtensionOffer> offers, Set<String> negotiated) {
        Map<String, ExtensionOffer> first = new LinkedHashMap<>();
        for (ExtensionOffer offer : offers) {
            if (negotiated.contains(offer.name())) {
                first.putIfAbsent(offer.name(), offer);
            }
        }
        return new ArrayList<>(first.values());
    }
}
