package org.wsbyhand.chat;

/** Placeholder entry point of the chat application. */
public final class ChatApp {
    private ChatApp() {}

    /** Prints the runtime version; replaced by the chat server in its own issue. */
    public static void main(String[] args) {
        System.out.println("ChatApp on Java " + Runtime.version());
    }
}
