package org.wsbyhand.chat;

import java.lang.reflect.InvocationTargetException;

/**
 * The {@code Main-Class} of {@code chat-app.jar}. Compiled for Java 8 (see the pom), so that
 * {@code java -jar chat-app.jar} on a Java older than 21 says what is wrong instead of throwing an
 * {@code UnsupportedClassVersionError}; on Java 21 or newer it hands over to {@link ChatApp#main}.
 */
public final class ChatLauncher {

    static final int REQUIRED = 21;

    private ChatLauncher() {
    }

    public static void main(String[] args) throws Throwable {
        int feature = feature(System.getProperty("java.specification.version", "0"));
        if (feature < REQUIRED) {
            System.err.println("chat-app needs Java " + REQUIRED + " or newer; this is Java " + feature
                    + " (" + System.getProperty("java.home") + ")");
            System.exit(1);
        }
        try {
            // By name: a direct call would make this class refer to one compiled for Java 21.
            Class.forName("org.wsbyhand.chat.ChatApp").getMethod("main", String[].class)
                    .invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** 8 for "1.8", 17 for "17". */
    static int feature(String specificationVersion) {
        String v = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
    }
}
