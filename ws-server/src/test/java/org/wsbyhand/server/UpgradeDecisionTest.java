package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbyhand.session.AttributeKey;

/** What an upgrade hook may answer with, and what it may not. */
class UpgradeDecisionTest {
    private static final AttributeKey<Integer> ROOM = AttributeKey.of("room", Integer.class);

    @Test
    void anAcceptCarriesHeadersInOrderAndTypedAttributes() {
        UpgradeDecision.Accept accept = UpgradeDecision.accept().withHeader("Set-Cookie", "a=1")
                .withHeader("Set-Cookie", "b=2").withAttribute(ROOM, 7);
        assertEquals(List.of("a=1", "b=2"), accept.headers().all("Set-Cookie"));
        assertEquals(7, accept.attributes().get(ROOM));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Upgrade", "connection", "Sec-WebSocket-Accept", "sec-websocket-extensions", "Content-Length",
            "Transfer-Encoding", "Content-Type"})
    void headersTheServerWritesItselfAreRefused(String name) {
        assertThrows(IllegalArgumentException.class, () -> UpgradeDecision.accept().withHeader(name, "x"));
        assertThrows(IllegalArgumentException.class, () -> UpgradeDecision.reject(401, "").withHeader(name, "x"));
    }

    @Test
    void aValueThatWouldSplitTheResponseIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> UpgradeDecision.accept().withHeader("Set-Cookie", "a=1\r\nX-Injected: yes"));
        assertThrows(IllegalArgumentException.class, () -> UpgradeDecision.redirect(302, "/x\nSet-Cookie: a=1"));
    }

    @Test
    void anAttributeOfTheWrongTypeIsRefused() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        AttributeKey<Object> raw = (AttributeKey) ROOM;
        assertThrows(ClassCastException.class, () -> UpgradeDecision.accept().withAttribute(raw, "seven"));
    }

    @Test
    void statusesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> UpgradeDecision.reject(302, "use redirect"));
        assertThrows(IllegalArgumentException.class, () -> UpgradeDecision.reject(200, ""));
        assertThrows(IllegalArgumentException.class, () -> UpgradeDecision.redirect(304, "/x"));
        assertThrows(IllegalArgumentException.class, () -> new UpgradeDecision.Reject(302, "", org.wsbyhand.protocol.handshake.Headers.empty()));
        assertEquals(List.of("wss://eu.example/x"), UpgradeDecision.redirect(307, "wss://eu.example/x").headers().all("Location"));
    }
}
