package dev.forestwatch.streams.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * How long threads of this JVM ran on a CPU and how long they were runnable but waited for one, from the kernel's
 * {@code /proc/self/task/<tid>/schedstat} (Linux). Thread CPU time alone cannot tell a thread that waits for a core
 * from one that waits for the broker; the run-queue wait can.
 */
final class RunQueue {

    /** Time on a CPU and time runnable in the run queue, in nanoseconds. */
    record Times(long onCpuNanos, long waitingNanos) {
        Times plus(final Times other) {
            return new Times(onCpuNanos + other.onCpuNanos, waitingNanos + other.waitingNanos);
        }

        Times minus(final Times other) {
            return new Times(onCpuNanos - other.onCpuNanos, waitingNanos - other.waitingNanos);
        }
    }

    /** A thread line of a HotSpot thread dump: its name and its native id (hex up to JDK 18, decimal after). */
    private static final Pattern THREAD_LINE = Pattern.compile("^\"(.*)\" #.* nid=(0x[0-9a-f]+|[0-9]+) ",
            Pattern.MULTILINE);

    private RunQueue() {
    }

    /**
     * Native thread ids by thread name. Java has no API for them; the JVM's own thread dump (what jstack prints,
     * here through the DiagnosticCommand MBean) has them.
     */
    static Map<String, Long> nativeIds() {
        final String dump;
        try {
            dump = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "threadPrint",
                    new Object[]{new String[0]}, new String[]{String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("cannot take a thread dump of this JVM", e);
        }
        final Map<String, Long> ids = new HashMap<>();
        final Matcher m = THREAD_LINE.matcher(dump);
        while (m.find()) {
            final String nid = m.group(2);
            ids.put(m.group(1), nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid));
        }
        return ids;
    }

    /** The thread's times so far; zero if it has ended (its task is gone). */
    static Times of(final long nativeId) {
        final Path file = Path.of("/proc/self/task", Long.toString(nativeId), "schedstat");
        try {
            return parse(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            return new Times(0, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** {@code schedstat}: time on a CPU (ns), time waiting in the run queue (ns), time slices. */
    static Times parse(final String line) {
        final String[] fields = line.trim().split(" ");
        return new Times(Long.parseLong(fields[0]), Long.parseLong(fields[1]));
    }
}
