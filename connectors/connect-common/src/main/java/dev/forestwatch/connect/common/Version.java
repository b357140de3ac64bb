package dev.forestwatch.connect.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** forestwatch's version, filtered into a resource at build time, for connectors' {@code version()}. */
public final class Version {

    private static final String VERSION = load();

    private Version() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        final Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("forestwatch-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // a version is informational; a broken resource must not stop a connector
        }
        return p.getProperty("version", "unknown");
    }
}
