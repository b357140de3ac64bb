package dev.forestwatch.streams.nab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forestwatch.streams.parse.ReadingParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder in NAB's layout: {@code data/<category>/<series>.csv} (timestamp,value) and
 * {@code labels/combined_windows.json} (anomaly windows per series, by path relative to {@code data/}).
 */
public final class NabCorpus {

    /** One series: its path relative to {@code data/}, row timestamps and anomaly windows as row indexes. */
    public record Series(String name, Path csv, LocalDateTime[] timestamps, List<int[]> windows) {
    }

    private final Path root;
    private final List<Series> series;

    private NabCorpus(final Path root, final List<Series> series) {
        this.root = root;
        this.series = series;
    }

    public static NabCorpus load(final Path root) throws IOException {
        final Path data = root.resolve("data");
        final JsonNode windows = ReadingParser.MAPPER
                .readTree(root.resolve("labels").resolve("combined_windows.json").toFile());
        final List<Path> files;
        try (Stream<Path> s = Files.walk(data)) {
            files = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no NAB series (*.csv) under " + data);
        }
        final List<Series> out = new ArrayList<>();
        for (final Path csv : files) {
            final String name = data.relativize(csv).toString().replace('\\', '/');
            final JsonNode w = windows.get(name);
            if (w == null) {
                throw new IllegalArgumentException("no windows for " + name + " in labels/combined_windows.json");
            }
            final LocalDateTime[] ts = timestamps(csv);
            final List<int[]> rows = new ArrayList<>();
            for (final Iterator<JsonNode> it = w.elements(); it.hasNext();) {
                final JsonNode pair = it.next();
                rows.add(rowsOf(ts, parseTime(pair.get(0).asText()), parseTime(pair.get(1).asText()), name));
            }
            out.add(new Series(name, csv, ts, List.copyOf(rows)));
        }
        return new NabCorpus(root, List.copyOf(out));
    }

    public Path root() {
        return root;
    }

    public List<Series> series() {
        return series;
    }

    public int windowCount() {
        return series.stream().mapToInt(s -> s.windows().size()).sum();
    }

    /** NAB writes "2014-04-10 07:15:00.000000" in labels and "2014-04-10 07:15:00" in data. */
    static LocalDateTime parseTime(final String text) {
        return LocalDateTime.parse(text.trim().replace(' ', 'T'));
    }

    /** The first column of each row after the header, as times. */
    static LocalDateTime[] timestamps(final Path csv) throws IOException {
        final List<LocalDateTime> ts = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    ts.add(parseTime(line.substring(0, line.indexOf(','))));
                }
            }
        }
        return ts.toArray(new LocalDateTime[0]);
    }

    /** A named column of a CSV with a header, as numbers. */
    public static double[] column(final Path csv, final String column) throws IOException {
        final List<Double> values = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            final String header = r.readLine();
            final List<String> names = List.of(header.split(","));
            final int idx = names.indexOf(column);
            if (idx < 0) {
                throw new IllegalArgumentException(csv + " has no column " + column + " (columns: " + names + ")");
            }
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    values.add(Double.parseDouble(line.split(",", -1)[idx]));
                }
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static int[] rowsOf(final LocalDateTime[] ts, final LocalDateTime start, final LocalDateTime end,
            final String name) {
        int left = -1;
        int right = -1;
        for (int i = 0; i < ts.length; i++) {
            if (left < 0 && !ts[i].isBefore(start)) {
                left = i;
            }
            if (!ts[i].isAfter(end)) {
                right = i;
            }
        }
        if (left < 0 || right < left) {
            throw new IllegalArgumentException("window " + start + " - " + end + " holds no row of " + name);
        }
        return new int[]{left, right};
    }

    /** For tests and tools: a map view, name to series. */
    public Map<String, Series> byName() {
        final Map<String, Series> m = new java.util.LinkedHashMap<>();
        series.forEach(s -> m.put(s.name(), s));
        return m;
    }
}
