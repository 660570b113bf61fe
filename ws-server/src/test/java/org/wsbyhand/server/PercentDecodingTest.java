package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PercentDecodingTest {

    @Test
    void escapesDecodeAsUtf8() {
        assertEquals("/é ..", PercentDecoding.decode("/%C3%A9%20%2e%2E", false));
    }

    @Test
    void plusIsASpaceOnlyInForms() {
        assertEquals("a+b", PercentDecoding.decode("a+b", false));
        assertEquals("a b", PercentDecoding.decode("a+b", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%2", "%zz", "%C3", "%FF"})
    void malformedOrNonUtf8EscapesAreRefused(String input) {
        assertThrows(IllegalArgumentException.class, () -> PercentDecoding.decode(input, false));
    }
}
