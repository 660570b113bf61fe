package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class InputRulesTest {

    private final InputRules rules = new InputRules(5, 10);

    private ErrorCode refusal(String user, String text) {
        return assertThrows(ChatInputException.class, () -> rules.validate(user, text)).error().code();
    }

    @Nested
    class Accepted {
        @Test
        void userAndTextAreTrimmed() throws ChatInputException {
            assertEquals(new InputRules.Post("ada", "hi there"), rules.validate("  ada\t", "\n hi there  "));
        }

        @Test
        void lengthsAtTheLimitAreAccepted() throws ChatInputException {
            assertEquals(new InputRules.Post("abcde", "0123456789"), rules.validate("abcde", "0123456789"));
        }

        @Test
        void lengthsCountCodePointsSoAnEmojiIsOne() throws ChatInputException {
            String fiveEmoji = "😀😀😀😀😀"; // 10 UTF-16 units, 5 code points
            assertEquals(fiveEmoji, rules.validate(fiveEmoji, "x").user());
        }

        @Test
        void textMayContainNewlinesAndTabs() throws ChatInputException {
            assertEquals("a\nb\tc", rules.validate("ada", "a\nb\tc").text());
        }

        @Test
        void markupIsAcceptedAsPlainText() throws ChatInputException {
            InputRules wide = InputRules.DEFAULT;
            assertEquals("<img src=x onerror=alert(1)>",
                    wide.validate("ada", "<img src=x onerror=alert(1)>").text());
        }
    }

    @Nested
    class Refused {
        @Test
        void emptyUserIsRefused() {
            assertEquals(ErrorCode.EMPTY_USER, refusal("", "hi"));
        }

        @Test
        void blankUserIsRefused() {
            assertEquals(ErrorCode.EMPTY_USER, refusal(" \t\u2003", "hi"));
        }

        @Test
        void blankTextIsRefused() {
            assertEquals(ErrorCode.EMPTY_TEXT, refusal("ada", "   "));
        }

        @Test
        void userOverTheLimitIsRefused() {
            assertEquals(ErrorCode.USER_TOO_LONG, refusal("abcdef", "hi"));
        }

        @Test
        void textOverTheLimitIsRefused() {
            assertEquals(ErrorCode.TEXT_TOO_LONG, refusal("ada", "0123456789x"));
        }

        @Test
        void controlCharacterInUserIsRefused() {
            assertEquals(ErrorCode.CONTROL_CHARACTER, refusal("a\nb", "hi"));
        }

        @Test
        void controlCharacterOtherThanTabOrNewlineInTextIsRefused() {
            assertEquals(ErrorCode.CONTROL_CHARACTER, refusal("ada", "a\u0000b"));
            assertEquals(ErrorCode.CONTROL_CHARACTER, refusal("ada", "a\u001bb"));
        }

        @Test
        void theUserIsCheckedBeforeTheText() {
            assertEquals(ErrorCode.EMPTY_USER, refusal("", ""));
        }
    }

    @Test
    void defaultsAre32And500() {
        assertEquals(new InputRules(32, 500), InputRules.DEFAULT);
    }

    @Test
    void limitsBelowOneAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new InputRules(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new InputRules(10, 0));
    }
}
