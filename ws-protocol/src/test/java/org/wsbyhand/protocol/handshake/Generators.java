package org.wsbyhand.protocol.handshake;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators of valid handshake material, shared by the {@code *Properties} classes. */
final class Generators {

    private Generators() {
    }

    /** RFC 7230 tokens, including the symbol characters. */
    static Arbitrary<String> tokens() {
        return Arbitraries.strings().alpha().numeric().withChars("!#$%&'*+-.^_`|~").ofMinLength(1).ofMaxLength(12);
    }

    /** Field values: VCHAR, SP, HTAB and obs-text, without surrounding whitespace (the parser trims it). */
    static Arbitrary<String> fieldValues() {
        return Arbitraries.strings().withCharRange((char) 0x21, (char) 0x7E).withCharRange((char) 0x80, (char) 0xFF).withChars(" \t")
                .ofMaxLength(40).map(Syntax::trimWhitespace);
    }

    static Arbitrary<Headers> headers(int maxFields) {
        Arbitrary<Headers.Field> field = Combinators.combine(tokens(), fieldValues()).as(Headers.Field::new);
        return field.list().ofMaxSize(maxFields).map(fields -> {
            Headers.Builder builder = Headers.builder();
            fields.forEach(f -> builder.add(f.name(), f.value()));
            return builder.build();
        });
    }

    /** Origin-form targets: {@code /} followed by visible US-ASCII. */
    static Arbitrary<String> targets() {
        return Arbitraries.strings().withCharRange((char) 0x21, (char) 0x7E).ofMaxLength(60).map(s -> "/" + s);
    }

    static Arbitrary<HttpRequest> requests() {
        Arbitrary<String> methods = Arbitraries.oneOf(Arbitraries.of("GET", "POST", "OPTIONS"), tokens());
        Arbitrary<String> versions = Arbitraries.of("HTTP/1.0", "HTTP/1.1", "HTTP/1.9");
        return Combinators.combine(methods, targets(), versions, headers(20)).as(HttpRequest::new);
    }

    static Arbitrary<HttpResponse> responses() {
        Arbitrary<String> reasons = fieldValues();
        return Combinators.combine(Arbitraries.of("HTTP/1.0", "HTTP/1.1"), Arbitraries.integers().between(100, 999),
                reasons, headers(20)).as(HttpResponse::new);
    }

    static Arbitrary<ExtensionOffer> extensionOffers(Arbitrary<String> names) {
        Arbitrary<ExtensionParameter> parameter = Combinators.combine(tokens(), tokens().injectNull(0.4))
                .as(ExtensionParameter::new);
        return Combinators.combine(names, parameter.list().ofMaxSize(4)).as(ExtensionOffer::new);
    }

    static Arbitrary<List<ExtensionOffer>> extensionOfferLists(Arbitrary<String> names) {
        return extensionOffers(names).list().ofMaxSize(5);
    }
}
