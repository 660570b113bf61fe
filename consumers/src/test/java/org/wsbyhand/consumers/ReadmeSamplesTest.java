package org.wsbyhand.consumers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The code README.md shows is the code the sample projects build and test. Every fenced block
 * right after a {@code <!-- sample: PATH -->} line must equal the file {@code consumers/src/it/PATH}
 * ({@code @project.version@} in it read as this build's version).
 */
class ReadmeSamplesTest {

    /** The samples README.md must show; a marker removed by accident is a failure too. */
    private static final List<String> REQUIRED = List.of(
            "server-app/pom.xml",
            "server-app/src/main/resources/logback.xml",
            "server-app/src/main/java/com/example/app/EchoServer.java",
            "server-app/src/main/java/com/example/app/ChatRoom.java",
            "server-app/src/main/java/com/example/app/ChatServer.java",
            "server-jpms/src/main/java/module-info.java",
            "protocol-client/src/main/java/com/example/client/WebSocketClient.java",
            "client-app/src/main/java/com/example/client/EchoClient.java");

    private static final Pattern MARKED_BLOCK = Pattern.compile(
            "<!-- sample: (\\S+) -->\\n```[a-z]*\\n(.*?)```\\n", Pattern.DOTALL);

    private static final Path README = Path.of(System.getProperty("readme", "../README.md"));
    private static final Path SAMPLES = Path.of(System.getProperty("samples", "src/it"));
    private static final String VERSION = System.getProperty("project.version", "");

    static Map<String, String> markedBlocks() throws IOException {
        String readme = Files.readString(README).replace("\r\n", "\n");
        Map<String, String> blocks = new LinkedHashMap<>();
        Matcher m = MARKED_BLOCK.matcher(readme);
        while (m.find()) {
            if (blocks.put(m.group(1), m.group(2)) != null) {
                fail("README.md marks " + m.group(1) + " twice");
            }
        }
        int markers = readme.split("<!-- sample:", -1).length - 1;
        assertEquals(markers, blocks.size(),
                "every <!-- sample: PATH --> line in README.md must be followed directly by a fenced code block");
        return blocks;
    }

    @Test
    void readmeShowsEverySample() throws IOException {
        Map<String, String> blocks = markedBlocks();
        for (String path : REQUIRED) {
            assertTrue(blocks.containsKey(path), "README.md has no block marked <!-- sample: " + path + " -->");
        }
    }

    @TestFactory
    List<DynamicTest> readmeBlocksEqualTheSampleFiles() throws IOException {
        assertTrue(!VERSION.isEmpty(), "run by Maven, which sets project.version");
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, String> block : markedBlocks().entrySet()) {
            tests.add(DynamicTest.dynamicTest(block.getKey(), () -> {
                Path file = SAMPLES.resolve(block.getKey());
                assertTrue(Files.isRegularFile(file), "README.md marks a sample that does not exist: " + file);
                String sample = Files.readString(file).replace("\r\n", "\n").replace("@project.version@", VERSION);
                String difference = firstDifference(sample, block.getValue());
                if (difference != null) {
                    fail("README.md's block marked " + block.getKey() + " differs from " + file
                            + " (copy the file into README.md, or the other way round):\n" + difference);
                }
            }));
        }
        return tests;
    }

    /** Null when equal, otherwise the first differing line of each with a few lines of context. */
    static String firstDifference(String expected, String actual) {
        if (expected.equals(actual)) {
            return null;
        }
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        int line = 0;
        while (line < a.length && line < b.length && a[line].equals(b[line])) {
            line++;
        }
        StringBuilder out = new StringBuilder("first difference at line " + (line + 1) + ":\n");
        for (int i = Math.max(0, line - 2); i < line; i++) {
            out.append("    ").append(a[i]).append('\n');
        }
        out.append("the sample file goes on with:\n");
        for (int i = line; i < Math.min(a.length, line + 3); i++) {
            out.append("-   ").append(a[i]).append('\n');
        }
        out.append("README.md goes on with:\n");
        for (int i = line; i < Math.min(b.length, line + 3); i++) {
            out.append("+   ").append(b[i]).append('\n');
        }
        return out.toString();
    }

    @Test
    void reportsTheFirstDifferingLine() {
        assertEquals(null, firstDifference("a\nb\n", "a\nb\n"));
        String diff = firstDifference("a\nb\nc\n", "a\nB\nc\n");
        assertTrue(diff.startsWith("first difference at line 2:"), diff);
        assertTrue(diff.contains("with:\n-   b\n") && diff.contains("with:\n+   B\n"), diff);
    }
}
