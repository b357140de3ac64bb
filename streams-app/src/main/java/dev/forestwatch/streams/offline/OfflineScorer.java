package dev.forestwatch.streams.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Reading;
import dev.forestwatch.streams.model.Rejected;
import dev.forestwatch.streams.model.Source;
import dev.forestwatch.streams.output.OutputRecord;
import dev.forestwatch.streams.parse.ReadingParser;
import dev.forestwatch.streams.score.Detector;
import dev.forestwatch.streams.score.Expectation;
import dev.forestwatch.streams.score.ExpectationReader;
import dev.forestwatch.streams.score.ModelCodec;
import dev.forestwatch.streams.score.ModelSettings;
import dev.forestwatch.streams.score.Score;
import dev.forestwatch.streams.score.SensorModel;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a CSV or NDJSON file with the stream's own parser and models, for evaluations and backfills. A CSV
 * without the sensor id column is one sensor. Output keeps every input column and adds ANOMALY_SCORE,
 * ANOMALY_GRADE and isAnomaly (and ANOMALY_LIKELIHOOD with detector=forestwatch, ANOMALY_CONFIDENCE and the forecast
 * band when on, as CSV columns {@code EXPECTED_VALUE.<field>} and so on); lines that cannot be scored are counted and
 * skipped, as the stream would dead-letter them.
 *
 * <p>At most {@code forest.cache.max.sensors} forests stay in memory, as in the stream: the least recently used one
 * is written to a temporary file with the snapshot codec and restored from it at the sensor's next record. The codec
 * restores a forest exactly, so the scores do not depend on the bound; without it a file of many sensors would
 * need about 1 MB of heap per sensor.
 */
public final class OfflineScorer {

    /** What a run did. */
    public record Summary(long records, long rejected, int sensors, double seconds) {
    }

    private final AppConfig config;
    private final ModelSettings settings;
    private final ExpectationReader expectations;
    private final ReadingParser parser;
    private final int maxLive;
    /** Access order, so the first entry is the least recently scored sensor. */
    private final LinkedHashMap<String, Live> live = new LinkedHashMap<>(16, 0.75f, true);
    /** Sensors whose forest is only on disk. */
    private final Map<String, Path> spilled = new HashMap<>();
    /**
     * One file per sensor, overwritten at each eviction: a new file per eviction would grow deleteOnExit's list
     * with every eviction, an unbounded leak in a long run.
     */
    private final Map<String, Path> spillFiles = new HashMap<>();
    private Path spillDir;
    private final PrintStream progress;
    private long records;
    private long rejected;

    public OfflineScorer(final AppConfig config, final PrintStream progress) {
        this.config = config;
        this.settings = config.modelSettings();
        this.expectations = config.expectationReader();
        this.parser = new ReadingParser(config.sensorIdField(), config.valueFields(), Integer.MAX_VALUE, List.of(),
                config.inputMaxFields());
        this.progress = progress;
        this.maxLive = config.forestCache().maxLive();
    }

    /** One scored line. */
    private record Result(Score score, Expectation expectation, String[] fields) {
    }

    /** The non-blank lines of a file and their numbers, for the messages about skipped lines. */
    private static final class NumberedLines {
        private final BufferedReader reader;
        private long number;
        private String text;

        /** @param linesRead lines already read from {@code reader} (a CSV's header) */
        NumberedLines(final BufferedReader reader, final long linesRead) {
            this.reader = reader;
            this.number = linesRead;
        }

        /** Moves to the next non-blank line; false at the end of the file. */
        boolean next() throws IOException {
            while ((text = reader.readLine()) != null) {
                number++;
                if (!text.isBlank()) {
                    return true;
                }
            }
            return false;
        }

        String text() {
            return text;
        }

        long number() {
            return number;
        }
    }

    /** A forest in memory and the sequence number of the last record it learned. */
    private static final class Live {
        private final SensorModel model;
        private long sequence;

        Live(final SensorModel model, final long sequence) {
            this.model = model;
            this.sequence = sequence;
        }
    }

    public Summary score(final Path in, final Path out) throws IOException {
        final long start = System.nanoTime();
        final String name = in.getFileName().toString().toLowerCase();
        if (name.endsWith(".csv")) {
            scoreCsv(in, out);
        } else if (name.endsWith(".ndjson") || name.endsWith(".jsonl") || name.endsWith(".json")) {
            scoreNdjson(in, out);
        } else {
            throw new IllegalArgumentException("--in must end with .csv, .ndjson, .jsonl or .json: " + in);
        }
        return new Summary(records, rejected, live.size() + spilled.size(), (System.nanoTime() - start) / 1e9);
    }

    private void scoreCsv(final Path in, final Path out) throws IOException {
        final String fileSensor = in.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8);
                BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            final String headerLine = r.readLine();
            if (headerLine == null) {
                return;
            }
            final List<String> header = Csv.split(headerLine);
            final boolean hasSensor = header.contains(config.sensorIdField());
            final List<String> outHeader = new ArrayList<>(header);
            outHeader.addAll(List.of(OutputRecord.ANOMALY_SCORE, OutputRecord.ANOMALY_GRADE, OutputRecord.IS_ANOMALY));
            final boolean likelihood = settings.detector() == Detector.FORESTWATCH;
            if (likelihood) {
                outHeader.add(OutputRecord.ANOMALY_LIKELIHOOD);
            }
            // the band's columns name the value fields, which the first scored row tells
            String[] bandFields = null;
            final NumberedLines lines = new NumberedLines(r, 1);
            while (lines.next()) {
                final List<String> cells = Csv.split(lines.text());
                final ObjectNode row = ReadingParser.MAPPER.createObjectNode();
                for (int i = 0; i < header.size() && i < cells.size(); i++) {
                    putCell(row, header.get(i), cells.get(i));
                }
                if (!hasSensor) {
                    row.put(config.sensorIdField(), fileSensor);
                }
                final Result result = scoreOne(ReadingParser.MAPPER.writeValueAsBytes(row), in, lines.number());
                if (result != null) {
                    if (bandFields == null) {
                        bandFields = result.fields();
                        w.write(Csv.join(withExpectationColumns(outHeader, bandFields)));
                        w.newLine();
                    }
                    final Score s = result.score();
                    final List<String> outCells = new ArrayList<>(cells);
                    outCells.add(Double.toString(s.score()));
                    outCells.add(Double.toString(s.grade()));
                    outCells.add(Boolean.toString(s.isAnomaly()));
                    if (likelihood) {
                        outCells.add(Double.toString(s.likelihood()));
                    }
                    addExpectationCells(outCells, result.expectation(), bandFields.length);
                    w.write(Csv.join(outCells));
                    w.newLine();
                }
            }
            if (bandFields == null) {
                w.write(Csv.join(outHeader));
                w.newLine();
            }
        }
    }

    private List<String> withExpectationColumns(final List<String> header, final String[] fields) {
        final List<String> out = new ArrayList<>(header);
        if (expectations.confidence()) {
            out.add(OutputRecord.ANOMALY_CONFIDENCE);
        }
        if (expectations.band()) {
            for (final String column : List.of(OutputRecord.EXPECTED_VALUE, OutputRecord.LOWER_BAND,
                    OutputRecord.UPPER_BAND)) {
                for (final String f : fields) {
                    out.add(column + "." + f);
                }
            }
        }
        return out;
    }

    /** Empty cells for the band while the forest warms up, so the columns stay aligned. */
    private void addExpectationCells(final List<String> cells, final Expectation e, final int fields) {
        if (expectations.confidence()) {
            cells.add(Double.toString(e.confidence()));
        }
        if (expectations.band()) {
            for (int part = 0; part < 3; part++) {
                for (int i = 0; i < fields; i++) {
                    cells.add(e.hasBand() ? Double.toString(bandPart(e.band(), part)[i]) : "");
                }
            }
        }
    }

    private static double[] bandPart(final Expectation.Band band, final int part) {
        return part == 0 ? band.expected() : part == 1 ? band.lower() : band.upper();
    }

    private void scoreNdjson(final Path in, final Path out) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8);
                BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            final NumberedLines lines = new NumberedLines(r, 0);
            while (lines.next()) {
                final byte[] json = lines.text().getBytes(StandardCharsets.UTF_8);
                final Result result = scoreOne(json, in, lines.number());
                if (result != null) {
                    final ObjectNode node = (ObjectNode) ReadingParser.MAPPER.readTree(json);
                    OutputRecord.addScore(node, result.fields(), result.score(), result.expectation());
                    w.write(ReadingParser.MAPPER.writeValueAsString(node));
                    w.newLine();
                }
            }
        }
    }

    private Result scoreOne(final byte[] json, final Path in, final long lineNo) {
        return scoreParsed(parser.parse(null, json, null, new Source(in.toString(), 0, lineNo)), in, lineNo);
    }

    private Result scoreParsed(final Message m, final Path in, final long lineNo) {
        if (m instanceof Rejected rej) {
            rejected++;
            progress.printf("skipped %s line %d: %s (%s)%n", in.getFileName(), lineNo, rej.reason().label(),
                    rej.detail());
            return null;
        }
        final Reading reading = (Reading) m;
        final Live entry = live(reading);
        if (!entry.model.acceptsFields(reading.fields())) {
            rejected++;
            progress.printf("skipped %s line %d: dimension-mismatch%n", in.getFileName(), lineNo);
            return null;
        }
        final Expectation.Band forecast = expectations.forecast(entry.model, reading.values());
        final Score s = entry.model.process(reading.values(), ++entry.sequence);
        if (++records % 50_000 == 0) {
            progress.printf("scored %,d records%n", records);
        }
        return new Result(s, expectations.read(entry.model, forecast), reading.fields());
    }

    /** The sensor's forest: in memory, else restored from its spill file, else new with the reading's fields. */
    private Live live(final Reading reading) {
        final String id = reading.sensorId();
        final Live cached = live.get(id);
        if (cached != null) {
            return cached;
        }
        final Path file = spilled.remove(id);
        final Live entry;
        if (file == null) {
            entry = new Live(SensorModel.create(settings, id, reading.fields()), 0L);
        } else {
            final ModelCodec.Snapshot snap = ModelCodec.decode(read(file), settings.explanation());
            entry = new Live(snap.model(), snap.sequence());
        }
        live.put(id, entry);
        spillBeyondCapacity();
        return entry;
    }

    private void spillBeyondCapacity() {
        final Iterator<Map.Entry<String, Live>> it = live.entrySet().iterator();
        while (live.size() > maxLive && it.hasNext()) {
            final Map.Entry<String, Live> eldest = it.next();
            final Path file = spillFiles.computeIfAbsent(eldest.getKey(), id -> spillFile());
            try {
                Files.write(file, ModelCodec.encode(eldest.getValue().model, eldest.getValue().sequence));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot spill the forest of " + eldest.getKey() + " to " + file, e);
            }
            spilled.put(eldest.getKey(), file);
            it.remove();
        }
    }

    /** Sensor ids may hold any character, so the files get generated names instead of the ids. */
    private Path spillFile() {
        try {
            if (spillDir == null) {
                spillDir = Files.createTempDirectory("forestwatch-offline-");
                // registered before its files, so it is deleted after them
                spillDir.toFile().deleteOnExit();
            }
            final Path file = Files.createTempFile(spillDir, "forest-", ".bin");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a spill file for an evicted forest", e);
        }
    }

    private static byte[] read(final Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore a spilled forest from " + file, e);
        }
    }

    /** Numbers become JSON numbers so "every numeric field" means the same as in the stream. */
    private static void putCell(final ObjectNode row, final String column, final String cell) {
        final String c = cell.trim();
        if (!c.isEmpty() && looksNumeric(c)) {
            try {
                final JsonNode n = ReadingParser.MAPPER.readTree(c);
                if (n.isNumber()) {
                    row.set(column, n);
                    return;
                }
            } catch (IOException e) {
                // not a JSON number after all: keep it as text
            }
        }
        row.put(column, cell);
    }

    private static boolean looksNumeric(final String c) {
        final char first = c.charAt(0);
        return first == '-' || (first >= '0' && first <= '9');
    }
}
