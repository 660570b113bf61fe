package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HandshakeResultTest {

    private static final HttpResponse SWITCHING = new HttpResponse("HTTP/1.1", 101, "Switching Protocols", Headers.empty());

    @Nested
    class Extensions {
        @Test
        void extensionFindsAnAcceptedExtensionByName() {
            ExtensionOffer deflate = ExtensionOffer.of("permessage-deflate", ExtensionParameter.of("server_no_context_takeover"));
            HandshakeResult result = new HandshakeResult(SWITCHING, Optional.empty(), List.of(ExtensionOffer.of("x"), deflate));
            assertEquals(Optional.of(deflate), result.extension("permessage-deflate"));
            assertEquals(Optional.empty(), result.extension("Permessage-Deflate"));
        }

        @Test
        void extensionsAreCopied() {
            List<ExtensionOffer> extensions = new ArrayList<>(List.of(ExtensionOffer.of("x")));
            HandshakeResult result = new HandshakeResult(SWITCHING, Optional.of("chat"), extensions);
            extensions.clear();
            assertEquals(List.of(ExtensionOffer.of("x")), result.extensions());
            assertThrows(UnsupportedOperationException.class, () -> result.extensions().clear());
        }
    }
}
