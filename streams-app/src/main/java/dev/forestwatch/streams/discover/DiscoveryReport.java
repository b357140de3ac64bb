package dev.forestwatch.streams.discover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The discovery as a Markdown table with the suggested settings and warnings, and as a properties file. */
public final class DiscoveryReport {

    private DiscoveryReport() {
    }

    public static String table(final String source, final SchemaDiscovery.Result r) {
        final StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Sample: %,d records from %s (%,d not JSON objects)%n%n", r.records()
                + r.notObjects(), source, r.notObjects()));
        b.append("| field | type | present | null/missing | other type | distinct | examples |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (final FieldProfile f : r.fields()) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %,d | %s | %s |%n", f.name(), f.type(),
                    f.present(), f.nullOrMissing(r.records()), f.invalid(),
                    f.manyDistinct() ? "> " + FieldProfile.DISTINCT_LIMIT : String.format("%,d", f.distinct()),
                    String.join(", ", f.examples()).replace("|", "\\|")));
        }
        b.append("\nSuggested settings:\n");
        for (final Map.Entry<String, String> e : r.settings().entrySet()) {
            b.append("  ").append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        b.append(r.warnings().isEmpty() ? "\nNo warnings.\n" : "\nWarnings:\n");
        for (final String w : r.warnings()) {
            b.append("  - ").append(w).append('\n');
        }
        return b.toString();
    }

    /** The suggested settings as a properties file, warnings as comments, for {@code run --config}. */
    public static void write(final Path file, final String source, final SchemaDiscovery.Result r)
            throws IOException {
        final StringBuilder b = new StringBuilder();
        b.append("# forestwatch discover: inferred from ").append(String.format(Locale.ROOT, "%,d", r.records()))
                .append(" records of ").append(source).append('\n');
        for (final String w : r.warnings()) {
            b.append("# warning: ").append(w).append('\n');
        }
        for (final Map.Entry<String, String> e : r.settings().entrySet()) {
            b.append(e.getKey()).append('=').append(escape(e.getValue())).append('\n');
        }
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    }

    /** Properties escaping for keys' values: backslashes, and the characters a field name may hold. */
    private static String escape(final String v) {
        final StringBuilder b = new StringBuilder();
        for (final char c : v.toCharArray()) {
            if (List.of('\\', '#', '!', '=', ':').contains(c) || (c == ' ' && b.length() == 0)) {
                b.append('\\');
            }
            if (c < 0x20 || c > 0x7e) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
