package dev.forestwatch.local;

/**
 * Chooses one of the logback configurations bundled in this jar for the mains here. Without it
 * logback's default is DEBUG to the console, and the broker alone prints thousands of lines.
 */
public final class Logging {
    /** Warnings to stderr. */
    public static final String CONSOLE_CONFIG = "forestwatch-console-logback.xml";
    /** Everything at INFO to the file named by {@link #LOG_FILE_PROPERTY}; only errors of our own code to stderr. */
    public static final String DEMO_CONFIG = "forestwatch-demo-logback.xml";
    public static final String LOG_FILE_PROPERTY = "forestwatch.log.file";

    private Logging() {
    }

    /**
     * Must run before the first logger is created. An explicit {@code -Dlogback.configurationFile}
     * still wins, so a user can swap in their own file.
     */
    public static void useBundledConfig(String resource) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", resource);
        }
    }
}
