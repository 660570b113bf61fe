package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@link ChatApp#main} prints for --help and for a mistake, and its exit status. */
class ChatCommandLineTest {

    private record Run(ChatApp.CommandLine result, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ChatApp.CommandLine result = ChatApp.readCommandLine(List.of(args), Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(result, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsTheUsageToStandardOutputAndExitsZero() {
        Run r = run("--help");
        assertEquals(ChatConfig.USAGE, r.out());
        assertEquals("", r.err());
        assertEquals(new ChatApp.CommandLine(Optional.empty(), 0), r.result());
        assertEquals(ChatConfig.USAGE, run("--port", "1", "-h").out());
    }

    @Test
    void anUnknownOptionIsNamedWithAHintAndExitStatus2() {
        Run r = run("--bogus");
        assertEquals("", r.out());
        assertEquals("chat-app: unknown option: --bogus" + System.lineSeparator()
                + "Run with --help to list the options." + System.lineSeparator(), r.err());
        assertEquals(new ChatApp.CommandLine(Optional.empty(), 2), r.result());
    }

    @Test
    void aValueOutOfRangeNamesItsOption() {
        Run r = run("--max-text", "-1");
        assertEquals("chat-app: --max-text must be at least 1, was -1" + System.lineSeparator()
                + "Run with --help to list the options." + System.lineSeparator(), r.err());
        assertEquals(2, r.result().exitStatus());
    }

    @Test
    void validOptionsGiveTheConfigurationAndPrintNothing() {
        Run r = run("--port", "9000");
        assertEquals(9000, r.result().config().orElseThrow().port());
        assertEquals("", r.out() + r.err());
    }

    @Test
    void theUrlHostIsLocalhostForAWildcardBindAndBracketsIpv6Literals() {
        for (String wildcard : List.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", "::0")) {
            assertEquals("localhost", ChatApp.urlHost(wildcard), wildcard);
        }
        assertEquals("127.0.0.1", ChatApp.urlHost("127.0.0.1"));
        assertEquals("[::1]", ChatApp.urlHost("::1"));
        assertEquals("[::1]", ChatApp.urlHost("[::1]"));
        assertEquals("[fe80::1]", ChatApp.urlHost("fe80::1"));
        assertEquals("chat.example.com", ChatApp.urlHost("chat.example.com"));
    }

    @Test
    void theLogGivesUsableHttpAndWebSocketUrls() throws Exception {
        ChatConfig config = ChatConfig.parse(List.of("--port", "0", "--bind", "0.0.0.0"), Map.of());
        try (ChatApp app = ChatApp.start(config)) {
            assertEquals(URI.create("http://localhost:" + app.port() + "/"), app.url());
            assertEquals(URI.create("ws://localhost:" + app.port() + "/"), app.webSocketUrl());
        }
    }
}
