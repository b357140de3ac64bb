package dev.forestwatch.connect.common.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * What forestwatch's classes log during a test, as an appender would write it, stack traces included. As a JUnit
 * extension ({@code @RegisterExtension final LogCapture logs = LogCapture.perTest();}) it captures each test alone.
 */
public final class LogCapture implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final Logger ours = (Logger) LoggerFactory.getLogger("dev.forestwatch");

    private LogCapture() {
    }

    /** Starts capturing now; close to stop. */
    public static LogCapture start() {
        final LogCapture c = new LogCapture();
        c.attach();
        return c;
    }

    /** Captures from each test's start to its end, as a registered extension. */
    public static LogCapture perTest() {
        return new LogCapture();
    }

    private void attach() {
        events.list.clear();
        events.start();
        ours.addAppender(events);
    }

    @Override
    public void beforeEach(final ExtensionContext context) {
        attach();
    }

    @Override
    public void afterEach(final ExtensionContext context) {
        close();
    }

    /** Every line so far: formatted message, then the stack trace if any. */
    public List<String> lines() {
        return lines(null);
    }

    /** The WARN lines so far. */
    public List<String> warnings() {
        return lines(Level.WARN);
    }

    public void clear() {
        events.list.clear();
    }

    private List<String> lines(final Level level) {
        final List<String> out = new ArrayList<>();
        for (final ILoggingEvent e : List.copyOf(events.list)) {
            if (level == null || e.getLevel() == level) {
                out.add(e.getFormattedMessage() + (e.getThrowableProxy() == null
                        ? ""
                        : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())));
            }
        }
        return out;
    }

    @Override
    public void close() {
        ours.detachAppender(events);
    }
}
