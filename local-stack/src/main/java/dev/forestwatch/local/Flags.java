package dev.forestwatch.local;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Minimal {@code --name value} / {@code --name=value} parser for the mains here; a CLI library
 * would be one more jar on the fast-start classpath for five flags.
 */
public final class Flags {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();

    private Flags() {
    }

    public static Flags parse(String... args) {
        Flags flags = new Flags();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("Unexpected argument '" + arg + "' (flags look like --name value)");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = "true"; // a bare switch such as --help
            }
            flags.values.put(name, value);
        }
        return flags;
    }

    public boolean has(String name) {
        read.add(name);
        return values.containsKey(name);
    }

    public String string(String name, String defaultValue) {
        read.add(name);
        return values.getOrDefault(name, defaultValue);
    }

    public int intValue(String name, int defaultValue) {
        String v = string(name, null);
        try {
            return v == null ? defaultValue : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    public long longValue(String name, long defaultValue) {
        String v = string(name, null);
        try {
            return v == null ? defaultValue : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    public double doubleValue(String name, double defaultValue) {
        String v = string(name, null);
        try {
            return v == null ? defaultValue : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " expects a number, got '" + v + "'");
        }
    }

    /** Call after reading every known flag, so a typo fails instead of being silently ignored. */
    public void rejectUnknown() {
        for (String name : values.keySet()) {
            if (!read.contains(name)) {
                throw new IllegalArgumentException("Unknown flag --" + name);
            }
        }
    }
}
