package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ExtensionParameterTest {

    @Nested
    class Values {
        @Test
        void aParameterWithoutValueHasANullValueAndAnEmptyOptional() {
            ExtensionParameter parameter = ExtensionParameter.of("client_max_window_bits");
            assertNull(parameter.value());
            assertEquals(Optional.empty(), parameter.optionalValue());
        }

        @Test
        void aParameterWithValueExposesIt() {
            assertEquals(Optional.of("15"), ExtensionParameter.of("server_max_window_bits", "15").optionalValue());
        }

        @Test
        void namesAndValuesMustBeTokens() {
            assertThrows(IllegalArgumentException.class, () -> ExtensionParameter.of("a b"));
            assertThrows(IllegalArgumentException.class, () -> ExtensionParameter.of("a", "1 2"));
            assertThrows(IllegalArgumentException.class, () -> ExtensionParameter.of("a", ""));
            assertThrows(NullPointerException.class, () -> ExtensionParameter.of("a", null));
        }
    }

    @Nested
    class Rendering {
        @Test
        void toStringIsNameOrNameEqualsValue() {
            assertEquals("client_no_context_takeover", ExtensionParameter.of("client_no_context_takeover").toString());
            assertEquals("server_max_window_bits=10", ExtensionParameter.of("server_max_window_bits", "10").toString());
        }
    }
}
