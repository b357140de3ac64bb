package dev.forestwatch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium} in headless mode, for the dashboard tests: {@code --dump-dom} gives the page after its
 * scripts ran, {@code --screenshot} a picture. The flags keep it from reaching for the network on its own (this
 * machine's closed network refuses those connections) and let it run as root; each run gets a fresh profile.
 */
public final class HeadlessChromium {
    public static final Path BINARY = Path.of("/usr/bin/chromium");

    private HeadlessChromium() {
    }

    /** Runs Chromium with {@code args} and returns its stdout; fails naming the package when it is missing. */
    public static String run(Duration timeout, String... args) {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install it with `apt-get install -y chromium` "
                    + "(.ci/run does)");
        }
        Path work = Directories.createTempDir("forestwatch-chromium-");
        try {
            List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--user-data-dir=" + work.resolve("profile")));
            command.addAll(List.of(args));
            Path out = work.resolve("stdout");
            Path err = work.resolve("stderr");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("Chromium did not finish within " + timeout + ": "
                        + Files.readString(err));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Chromium exited with " + process.exitValue() + ": "
                        + Files.readString(err));
            }
            return Files.readString(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Chromium ran", e);
        } finally {
            Directories.deleteRecursively(work);
        }
    }
}
