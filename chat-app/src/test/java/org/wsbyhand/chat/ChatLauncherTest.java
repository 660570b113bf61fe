package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ChatLauncherTest {

    @Test
    void theFeatureReleaseIsReadFromBothVersionSchemes() {
        assertEquals(8, ChatLauncher.feature("1.8"));
        assertEquals(17, ChatLauncher.feature("17"));
        assertEquals(21, ChatLauncher.feature("21"));
        assertEquals(25, ChatLauncher.feature("25"));
        assertEquals(0, ChatLauncher.feature("x"));
    }
}
