package org.wsbyhand.chat.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.chat.ChatApp;
import org.wsbyhand.chat.ChatConfig;
import org.wsbyhand.chat.InMemoryMessageStore;
import org.wsbyhand.server.WebSocketServer;
import org.wsbyhand.session.WebSocketHandler;

/**
 * {@link TerminalChat} against the chat app's own server ({@link ChatApp}, on loopback), each client run
 * in-process through {@link TerminalChat#run} with a test keyboard and screens.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TerminalChatIT {
    /** Outlives a restart of the app, as the history should. */
    private final InMemoryMessageStore store = new InMemoryMessageStore(50);
    private final List<Chatter> chatters = new ArrayList<>();
    private ChatApp app;

    /** One person at a terminal running the chat client. */
    private record Chatter(Terminal terminal, CompletableFuture<Integer> exit) {
        void type(String line) {
            terminal.in.type(line);
        }

        Terminal.Screen screen() {
            return terminal.out;
        }

        Terminal.Screen status() {
            return terminal.err;
        }

        /** Ends the input (Ctrl-D) and returns the exit status. */
        int leave() throws Exception {
            terminal.in.end();
            return terminal.exitStatus(exit);
        }
    }

    private void startApp(int port) throws Exception {
        app = ChatApp.start(ChatConfig.parse(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1"),
                Map.of()), store);
    }

    private String url() {
        return "ws://127.0.0.1:" + app.port() + "/";
    }

    /** Starts a chat client for {@code name} and waits until it is connected. */
    private Chatter join(String name) throws Exception {
        Terminal terminal = new Terminal();
        Chatter chatter = new Chatter(terminal, terminal.start(TerminalChat::run, url(), name));
        chatters.add(chatter);
        chatter.status().awaitLineContaining("* connected to " + url() + " as " + name);
        return chatter;
    }

    @AfterEach
    void stop() {
        chatters.forEach(c -> c.terminal().in.end());
        if (app != null) {
            app.close();
        }
    }

    @Test
    void twoPeopleChatAndANewcomerGetsTheHistory() throws Exception {
        store.append("carol", "anyone here?");
        startApp(0);
        Chatter ada = join("ada");
        ada.screen().awaitLineEndingWith("] carol: anyone here?");
        Chatter bob = join("bob");
        bob.screen().awaitLineEndingWith("] carol: anyone here?");

        ada.type("hi bob ✓");
        bob.screen().awaitLineEndingWith("] ada: hi bob ✓");
        ada.screen().awaitLineEndingWith("] ada: hi bob ✓"); // the server's confirmation
        bob.type("hi ada");
        ada.screen().awaitLineEndingWith("] bob: hi ada");
        assertEquals(0, ada.leave(), ada.status().text());
        assertTrue(ada.screen().lines().stream().allMatch(l -> l.matches("\\[\\d\\d:\\d\\d] \\w+: .*")),
                ada.screen().text());

        Chatter cy = join("cy");
        cy.screen().awaitLineEndingWith("] bob: hi ada");
        assertEquals(List.of("carol: anyone here?", "ada: hi bob ✓", "bob: hi ada"),
                cy.screen().lines().stream().map(l -> l.substring(l.indexOf("] ") + 2)).toList(),
                "the history, oldest first");
        assertEquals(0, bob.leave(), bob.status().text());
        assertEquals(0, cy.leave(), cy.status().text());
    }

    @Test
    void reconnectsAfterTheServerRestartsOnTheSamePortAndShowsNothingTwice() throws Exception {
        startApp(0);
        int port = app.port();
        Chatter ada = join("ada");
        Chatter bob = join("bob");
        ada.type("before the restart");
        bob.screen().awaitLineEndingWith("] ada: before the restart");

        app.close(); // every client gets 1001 Going Away
        ada.status().awaitLineContaining("* disconnected: 1001");
        bob.status().awaitLineContaining("* disconnected: 1001");
        startApp(port);
        ada.status().awaitLineContaining("* connected again");
        bob.status().awaitLineContaining("* connected again");

        bob.type("after the restart");
        ada.screen().awaitLineEndingWith("] bob: after the restart");
        assertEquals(1, ada.screen().count("ada: before the restart"), "the history again, but not shown again");
        assertEquals(0, ada.leave(), ada.status().text());
        assertEquals(0, bob.leave(), bob.status().text());
    }

    @Test
    void showsARefusedPostOnStandardError() throws Exception {
        startApp(0);
        Chatter ada = join("ada");
        ada.type("x".repeat(501));
        ada.status().awaitLineContaining("! text_too_long: ");
        ada.type("short enough");
        ada.screen().awaitLineEndingWith("] ada: short enough");
        assertEquals(1, ada.screen().lines().size(), ada.screen().text());
        assertEquals(0, ada.leave(), ada.status().text());
    }

    @Test
    void aFirstConnectionThatFailsOrAWrongCommandLineEndsAtOnce() throws Exception {
        startApp(0);
        Terminal refused = new Terminal();
        assertEquals(TerminalChat.EXIT_CONNECT_FAILED, refused.run(TerminalChat::run, url() + "not/here", "ada"));
        assertTrue(refused.err.text().contains("chat: cannot connect: REJECTED 404"), refused.err.text());

        try (WebSocketServer other = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/", new WebSocketHandler() {}).build()) {
            other.start();
            Terminal wrong = new Terminal();
            assertEquals(TerminalChat.EXIT_CONNECT_FAILED,
                    wrong.run(TerminalChat::run, "ws://127.0.0.1:" + other.port() + "/", "ada"));
            assertTrue(wrong.err.text().contains("the server does not speak chat.v2"), wrong.err.text());
        }

        Terminal usage = new Terminal();
        assertEquals(TerminalChat.EXIT_USAGE, usage.run(TerminalChat::run, url()));
        assertEquals(TerminalChat.USAGE, usage.err.lines().getLast());
    }

    @Test
    void controlCharactersFromTheServerAreNotPrinted() {
        assertEquals("a\uFFFD[31mred\tb\uFFFD", TerminalChat.Room.printable("a\u001b[31mred\tb\n", false));
        assertEquals("two\nlines", TerminalChat.Room.printable("two\nlines", true));
    }
}
