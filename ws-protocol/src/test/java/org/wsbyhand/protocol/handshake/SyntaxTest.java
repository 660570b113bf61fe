package org.wsbyhand.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyntaxTest {

    @Nested
    class Tokens {
        @ParameterizedTest
        @ValueSource(strings = {"websocket", "permessage-deflate", "Sec-WebSocket-Key", "a!#$%&'*+-.^_`|~9"})
        void rfc7230TokensAreTokens(String token) {
            assertTrue(Syntax.isToken(token));
        }

        @Test
        void tokenCharactersAreExactlyTheTcharsOfRfc7230() {
            String tchars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
            for (int c = -1; c <= 0x2FF; c++) {
                assertEquals(c >= 0 && tchars.indexOf(c) >= 0, Syntax.isTokenChar(c), "character " + c);
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "a b", "a,b", "a;b", "a=b", "\"a\"", "a/b", "a:b", "caf\u00e9", "a\u0000"})
        void separatorsWhitespaceAndNonAsciiAreNotTokenCharacters(String notToken) {
            assertFalse(Syntax.isToken(notToken));
        }
    }

    @Nested
    class FieldValues {
        @Test
        void visibleCharactersSpaceTabAndObsTextAreAllowed() {
            assertTrue(Syntax.isFieldValue("text/plain; q=0.5\t\u00ff"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a\u0000b", "a\rb", "a\nb", "a\u007fb", "a\u0001b", "a\u0100b"})
        void controlCharactersAndCharactersAboveLatin1AreNot(String value) {
            assertFalse(Syntax.isFieldValue(value));
        }

        @Test
        void trimWhitespaceRemovesOnlySpaceAndTab() {
            assertEquals("a b\u000b", Syntax.trimWhitespace(" \t a b\u000b\t "));
        }
    }

    @Nested
    class Versions {
        @Test
        void httpVersionsAreHttpSlashDigitDotDigit() {
            assertTrue(Syntax.isHttpVersion("HTTP/1.1"));
            assertTrue(Syntax.isHttpVersion("HTTP/2.0"));
            assertFalse(Syntax.isHttpVersion("HTTP/1.10"));
            assertFalse(Syntax.isHttpVersion("http/1.1"));
            assertFalse(Syntax.isHttpVersion("HTTP/1"));
        }
    }
}
