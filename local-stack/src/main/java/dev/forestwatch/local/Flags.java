package dev.forestwatch.local;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

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

    /**
     * A main's flags, read by {@code read} (then unknown ones rejected); null, after printing {@code usage}, if
     * {@code --help} was given. A bad flag prints its error and the usage, and exits with code 2.
     */
    public static <T> T readOrExit(String[] args, String usage, Function<Flags, T> read) {
        try {
            return read(args, usage, read);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n\n" + usage);
            System.exit(2);
            return null;
        }
    }

    /**
     * As {@link #readOrExit}, but a bad or unknown flag throws its IllegalArgumentException instead of exiting, so a
     * test can check what a main refuses.
     */
    public static <T> T read(String[] args, String usage, Function<Flags, T> read) {
        Flags flags = parse(args);
        if (flags.help(usage)) {
            return null;
        }
        T result = read.apply(flags);
        flags.rejectUnknown();
        return result;
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
        return parsed(name, defaultValue, Integer::valueOf, "an integer");
    }

    public long longValue(String name, long defaultValue) {
        return parsed(name, defaultValue, Long::valueOf, "an integer");
    }

    public double doubleValue(String name, double defaultValue) {
        return parsed(name, defaultValue, Double::valueOf, "a number");
    }

    /** True, after printing {@code usage} to stdout, if {@code --help} was given: the main then returns. */
    public boolean help(String usage) {
        if (!has("help")) {
            return false;
        }
        System.out.println(usage);
        return true;
    }

    /** Call after reading every known flag, so a typo fails instead of being silently ignored. */
    public void rejectUnknown() {
        for (String name : values.keySet()) {
            if (!read.contains(name)) {
                throw new IllegalArgumentException("Unknown flag --" + name);
            }
        }
    }

    private <T> T parsed(String name, T defaultValue, Function<String, T> parse, String expected) {
        String v = string(name, null);
        try {
            return v == null ? defaultValue : parse.apply(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " expects " + expected + ", got '" + v + "'");
        }
    }
}
