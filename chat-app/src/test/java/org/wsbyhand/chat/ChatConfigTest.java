package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatConfigTest {

    private static ChatConfig parse(List<String> args, Map<String, String> env) {
        return ChatConfig.parse(args, env);
    }

    private static String error(List<String> args, Map<String, String> env) {
        return assertThrows(IllegalArgumentException.class, () -> parse(args, env)).getMessage();
    }

    @Nested
    class Defaults {
        @Test
        void noArgumentsAndNoEnvironmentGiveTheDefaults() {
            ChatConfig c = parse(List.of(), Map.of());
            assertEquals(ChatConfig.defaults(), c);
            assertEquals(8080, c.port());
            assertEquals("0.0.0.0", c.bindAddress());
            assertEquals("memory", c.store());
            assertEquals(50, c.history());
            assertEquals(new InputRules(32, 500), c.inputRules());
            assertEquals(16384, c.maxMessageBytes());
            assertEquals(5, c.ratePerSecond());
            assertEquals(5, c.rateBurst());
            assertEquals(List.of(), c.allowedOrigins());
            assertEquals(10, c.addressRate());
            assertEquals(20, c.addressBurst());
            assertEquals(20, c.roomRate());
            assertEquals(40, c.roomBurst());
            assertEquals(Duration.ofSeconds(1), c.presenceInterval());
        }
    }

    @Nested
    class Options {
        @Test
        void portComesFromTheCommandLineInBothSpellings() {
            assertEquals(9000, parse(List.of("--port", "9000"), Map.of()).port());
            assertEquals(9001, parse(List.of("--port=9001"), Map.of()).port());
        }

        @Test
        void portComesFromThePortVariable() {
            assertEquals(7000, parse(List.of(), Map.of("PORT", "7000")).port());
        }

        @Test
        void theCommandLineWinsOverTheEnvironment() {
            assertEquals(9000, parse(List.of("--port", "9000"), Map.of("PORT", "7000")).port());
        }

        @Test
        void originsAccumulateFromRepeatedAndCommaSeparatedOptions() {
            ChatConfig c = parse(List.of("--allowed-origin", "https://a.example",
                    "--allowed-origins", "https://b.example, http://c.example:8080"), Map.of());
            assertEquals(List.of("https://a.example", "https://b.example", "http://c.example:8080"), c.allowedOrigins());
        }

        @Test
        void originsComeFromTheEnvironmentUnlessTheCommandLineGivesSome() {
            Map<String, String> env = Map.of("CHAT_ALLOWED_ORIGINS", "https://a.example,https://b.example");
            assertEquals(List.of("https://a.example", "https://b.example"), parse(List.of(), env).allowedOrigins());
            assertEquals(List.of("https://c.example"),
                    parse(List.of("--allowed-origin", "https://c.example"), env).allowedOrigins());
        }

        @Test
        void limitsAreSetByTheirOptions() {
            ChatConfig c = parse(List.of("--history", "20", "--max-user", "10", "--max-text", "100",
                    "--max-message-bytes", "4096", "--rate", "2", "--burst", "3", "--max-outbound-bytes", "70000",
                    "--bind", "127.0.0.1", "--store", "memory"), Map.of());
            assertEquals(new ChatConfig("127.0.0.1", 8080, List.of(), "memory", 20, new InputRules(10, 100),
                    4096, 2, 3, 70000), c);
        }

        @Test
        void theSharedBudgetsAndThePresenceIntervalAreSetByTheirOptions() {
            ChatConfig c = parse(List.of("--address-rate", "3", "--address-burst", "6", "--room-rate", "50",
                    "--room-burst", "80", "--presence-interval-ms", "250"), Map.of());
            assertEquals(3, c.addressRate());
            assertEquals(6, c.addressBurst());
            assertEquals(50, c.roomRate());
            assertEquals(80, c.roomBurst());
            assertEquals(Duration.ofMillis(250), c.presenceInterval());
        }

        @Test
        void anAddressRateOfZeroTurnsTheAddressBudgetOff() {
            assertEquals(0, parse(List.of("--address-rate", "0"), Map.of()).addressRate());
        }

        @Test
        void theUsageTextNamesEveryBudgetAndTheProxyCase() {
            for (String option : List.of("--address-rate", "--address-burst", "--room-rate", "--room-burst",
                    "--presence-interval-ms", "reverse proxy")) {
                assertTrue(ChatConfig.USAGE.contains(option), option);
            }
        }

        @Test
        void theUsageTextCountsLengthsInCodePointsAndShowsBothWaysToRun() {
            assertTrue(ChatConfig.USAGE.contains("--max-user N             longest user name in Unicode code points (default 32)"));
            assertTrue(ChatConfig.USAGE.contains("--max-text N             longest message text in Unicode code points (default 500)"));
            assertFalse(ChatConfig.USAGE.contains("characters"));
            assertTrue(ChatConfig.USAGE.startsWith("""
                    Usage: java -jar chat-app/target/chat-app.jar [options]
                       or: mvn -q -pl chat-app -am -DskipTests package exec:exec -Dchat.args="[options]"
                    """));
        }

        @Test
        void everyOptionIsInTheUsageText() {
            for (String option : ChatConfig.OPTIONS) {
                assertTrue(ChatConfig.USAGE.contains("  " + option + " "), option);
            }
        }

        @Test
        void helpIsRecognized() {
            assertTrue(ChatConfig.wantsHelp(List.of("--port", "1", "--help")));
            assertFalse(ChatConfig.wantsHelp(List.of("--port", "1")));
        }
    }

    @Nested
    class Errors {
        @Test
        void anUnknownOptionIsNamed() {
            assertEquals("unknown option: --colour", error(List.of("--colour", "blue"), Map.of()));
        }

        @Test
        void aMissingValueIsNamed() {
            assertEquals("--port needs a value", error(List.of("--port"), Map.of()));
        }

        @Test
        void aNonNumberIsNamed() {
            assertEquals("--port must be an integer, was \"http\"", error(List.of("--port", "http"), Map.of()));
            assertEquals("PORT must be an integer, was \"x\"", error(List.of(), Map.of("PORT", "x")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"-1", "65536"})
        void aPortOutOfRangeIsRefusedNamingTheOption(String port) {
            assertEquals("--port must be 0-65535, was " + port, error(List.of("--port", port), Map.of()));
        }

        @Test
        void aPortVariableOutOfRangeIsRefusedNamingTheVariable() {
            assertEquals("PORT must be 0-65535, was 70000", error(List.of(), Map.of("PORT", "70000")));
        }

        @Test
        void anUnknownOptionIsUnknownEvenWithoutAValue() {
            assertEquals("unknown option: --bogus", error(List.of("--bogus"), Map.of()));
            assertEquals("unknown option: --bogus", error(List.of("--port", "1", "--bogus"), Map.of()));
            assertEquals("unknown option: --bogus", error(List.of("--bogus=1"), Map.of()));
            assertEquals("unknown option: -port", error(List.of("-port", "1"), Map.of()));
        }

        @Test
        void anOptionFollowedByAnotherOptionNeedsAValue() {
            assertEquals("--port needs a value", error(List.of("--port", "--bind", "127.0.0.1"), Map.of()));
        }

        @Test
        void aNegativeLimitIsRefusedNamingTheOption() {
            assertEquals("--max-text must be at least 1, was -1", error(List.of("--max-text", "-1"), Map.of()));
            assertEquals("--max-user must be at least 1, was 0", error(List.of("--max-user=0"), Map.of()));
        }

        @Test
        void everyRangeErrorNamesItsOption() {
            assertEquals("--history must be 1-1000, was 0", error(List.of("--history", "0"), Map.of()));
            assertEquals("--max-message-bytes must be 1024-1048576, was 100",
                    error(List.of("--max-message-bytes", "100"), Map.of()));
            assertEquals("--rate must be at least 1, was 0", error(List.of("--rate", "0"), Map.of()));
            assertEquals("--burst must be at least 1, was 0", error(List.of("--burst", "0"), Map.of()));
            assertEquals("--max-outbound-bytes must be at least 65536, was 10",
                    error(List.of("--max-outbound-bytes", "10"), Map.of()));
        }

        @Test
        void anUnknownStoreIsRefused() {
            assertTrue(error(List.of("--store", "mongo"), Map.of()).startsWith("store must be one of [memory, redis]"));
        }

        @Test
        void anOriginThatIsNotAnOriginIsRefused() {
            assertTrue(error(List.of("--allowed-origin", "example.com"), Map.of()).startsWith("allowed origin"));
        }

        @Test
        void aStrayArgumentIsRefused() {
            assertEquals("unexpected argument: 8080", error(List.of("8080"), Map.of()));
        }

        @Test
        void limitsOutOfRangeAreRefused() {
            error(List.of("--history", "0"), Map.of());
            error(List.of("--max-text", "0"), Map.of());
            error(List.of("--max-message-bytes", "100"), Map.of());
            error(List.of("--rate", "0"), Map.of());
            error(List.of("--max-outbound-bytes", "10"), Map.of());
        }

        @Test
        void budgetsAndIntervalsOutOfRangeAreRefused() {
            assertEquals("--address-rate must be at least 0 (0 = off), was -1",
                    error(List.of("--address-rate", "-1"), Map.of()));
            assertEquals("--address-burst must be at least 1, was 0", error(List.of("--address-burst", "0"), Map.of()));
            assertEquals("--room-rate must be at least 1, was 0", error(List.of("--room-rate", "0"), Map.of()));
            assertEquals("--room-burst must be at least 1, was 0", error(List.of("--room-burst", "0"), Map.of()));
            assertEquals("--presence-interval-ms must be 10-60000, was 5",
                    error(List.of("--presence-interval-ms", "5"), Map.of()));
            assertEquals("--presence-interval-ms must be 10-60000, was 60001",
                    error(List.of("--presence-interval-ms", "60001"), Map.of()));
        }
    }
}
