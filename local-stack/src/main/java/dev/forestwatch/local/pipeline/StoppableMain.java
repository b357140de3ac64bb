package dev.forestwatch.local.pipeline;

import dev.forestwatch.local.Logging;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The main of a one-command run ({@code up}, {@code demo}): {@code --help}, flags (exit 2 on a bad one), logs in a
 * file, and Ctrl+C that asks the run to stop and waits, bounded, while the main thread stops everything in order.
 */
final class StoppableMain {
    /** A run: blocks and returns the exit code; {@code stop} makes it return, from any thread. */
    record Run(IntSupplier run, Runnable stop) {
    }

    private StoppableMain() {
    }

    static <O> void run(String name, String[] args, String usage, Function<String[], O> parse,
            Function<O, Path> logFile, Duration stopWait, Function<O, Run> create) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(usage);
            return;
        }
        O options;
        try {
            options = parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n\n" + usage);
            System.exit(2);
            return;
        }
        // Before any logger exists: server and client logs go to a file in the work dir.
        System.setProperty(Logging.LOG_FILE_PROPERTY, logFile.apply(options).toString());
        Logging.useBundledConfig(Logging.DEMO_CONFIG);
        Run run = create.apply(options);
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            run.stop().run();
            try {
                finished.await(stopWait.toMillis(), TimeUnit.MILLISECONDS); // the main thread stops everything
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown"));
        int exitCode;
        try {
            exitCode = run.run().getAsInt();
        } catch (RuntimeException e) {
            System.err.println(name + ": failed: " + e.getMessage());
            exitCode = 1;
        } finally {
            finished.countDown();
        }
        System.exit(exitCode);
    }
}
