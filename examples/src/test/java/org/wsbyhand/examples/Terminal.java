package org.wsbyhand.examples;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Standard input, output and error for a command-line program run in-process by a test: lines typed
 * on a keyboard whose end of input the test decides, and screens that record what is printed and
 * let the test wait for a line with a bounded wait.
 */
final class Terminal {
    /** How long a test waits for anything: generous, for busy machines. */
    static final Duration WAIT = Duration.ofSeconds(30);

    /** A program's entry point: arguments and streams in, exit status out. */
    interface Program {
        int run(String[] args, InputStream in, PrintStream out, PrintStream err);
    }

    final Keyboard in = new Keyboard();
    final Screen out = new Screen();
    final Screen err = new Screen();

    /** Starts the program on a thread of its own; the future completes with its exit status. */
    CompletableFuture<Integer> start(Program program, String... args) {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("program-under-test").start(() -> {
            try {
                exit.complete(program.run(args, in, out.stream, err.stream));
            } catch (Throwable e) {
                exit.completeExceptionally(e);
            }
        });
        return exit;
    }

    /** Runs the program to its end, which must come within {@link #WAIT}; returns its exit status. */
    int run(Program program, String... args) throws Exception {
        return exitStatus(start(program, args));
    }

    /** The exit status, waiting at most {@link #WAIT}. */
    int exitStatus(CompletableFuture<Integer> exit) throws Exception {
        try {
            return exit.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no exit within " + WAIT + "; stdout:\n" + out.text() + "stderr:\n" + err.text());
        }
    }

    /** Standard input: what the test types, then the end of input. */
    static final class Keyboard extends InputStream {
        private static final byte[] END = new byte[0];
        private final BlockingQueue<byte[]> typed = new LinkedBlockingQueue<>();
        private byte[] chunk;
        private int position;

        /** Types these lines, each followed by a newline. */
        void type(String... lines) {
            for (String line : lines) {
                typed.add((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }

        /** Ends the input (Ctrl-D): reads return -1 once what was typed has been read. */
        void end() {
            typed.add(END);
        }

        @Override
        public int read() throws InterruptedIOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length) throws InterruptedIOException {
            if (length == 0) {
                return 0;
            }
            try {
                if (chunk == null || position == chunk.length) {
                    if (chunk == END) {
                        return -1;
                    }
                    chunk = typed.take();
                    position = 0;
                    if (chunk == END) {
                        return -1;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for input");
            }
            int n = Math.min(length, chunk.length - position);
            System.arraycopy(chunk, position, buffer, offset, n);
            position += n;
            return n;
        }
    }

    /** Standard output or error: records what is printed and wakes the tests waiting for it. */
    static final class Screen extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(this, true, StandardCharsets.UTF_8);

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] buffer, int offset, int length) {
            bytes.write(buffer, offset, length);
            notifyAll();
        }

        /** Everything printed so far. */
        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** The complete lines printed so far (a line still being printed is left out). */
        synchronized List<String> lines() {
            String text = text();
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
        }

        /** Waits at most {@link #WAIT} until the lines printed satisfy {@code condition}. */
        synchronized void await(String what, Predicate<List<String>> condition) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!condition.test(lines())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("not printed within " + WAIT + ": " + what + "; printed:\n" + text());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        /** Waits at most {@link #WAIT} for this exact line. */
        void awaitLine(String line) throws InterruptedException {
            await("the line " + line, lines -> lines.contains(line));
        }

        /** Waits at most {@link #WAIT} for a line that contains {@code part}. */
        void awaitLineContaining(String part) throws InterruptedException {
            await("a line with " + part, lines -> lines.stream().anyMatch(l -> l.contains(part)));
        }

        /** Waits at most {@link #WAIT} for a line that ends with {@code end}. */
        void awaitLineEndingWith(String end) throws InterruptedException {
            await("a line ending with " + end, lines -> lines.stream().anyMatch(l -> l.endsWith(end)));
        }

        /** Waits at most {@link #WAIT} until {@code count} lines contain {@code part}. */
        void awaitLinesContaining(int count, String part) throws InterruptedException {
            await(count + " lines with " + part, lines -> lines.stream().filter(l -> l.contains(part)).count() >= count);
        }

        /** How many lines contain {@code part}. */
        long count(String part) {
            return lines().stream().filter(l -> l.contains(part)).count();
        }
    }
}
