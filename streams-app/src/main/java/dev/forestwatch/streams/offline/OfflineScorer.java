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
import dev.forestwatch.streams.score.ModelSettings;
import dev.forestwatch.streams.score.Score;
import dev.forestwatch.streams.score.SensorModel;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a CSV or NDJSON file with the stream's own parser and models, for evaluations and backfills. A CSV
 * without the sensor id column is one sensor. Output keeps every input column and adds ANOMALY_SCORE,
 * ANOMALY_GRADE and isAnomaly (and ANOMALY_LIKELIHOOD with detector=forestwatch); lines that cannot be scored are counted and skipped, as the stream would
 * dead-letter them.
 */
public final class OfflineScorer {

    /** What a run did. */
    public record Summary(long records, long rejected, int sensors, double seconds) {}

    private final AppConfig config;
    private final ModelSettings settings;
    private final ReadingParser parser;
    private final Map<String, SensorModel> models = new HashMap<>();
    private final Map<String, Long> sequences = new HashMap<>();
    private final PrintStream progress;
    private long records;
    private long rejected;

    public OfflineScorer(final AppConfig config, final PrintStream progress) {
        this.config = config;
        this.settings = ModelSettings.from(config);
        this.parser = new ReadingParser(config.sensorIdField(), config.valueFields(), Integer.MAX_VALUE, List.of(),
                config.inputMaxFields());
        this.progress = progress;
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
        return new Summary(records, rejected, models.size(), (System.nanoTime() - start) / 1e9);
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
            w.write(Csv.join(outHeader));
            w.newLine();
            String line;
            long lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                final List<String> cells = Csv.split(line);
                final ObjectNode row = ReadingParser.MAPPER.createObjectNode();
                for (int i = 0; i < header.size() && i < cells.size(); i++) {
                    putCell(row, header.get(i), cells.get(i));
                }
                if (!hasSensor) {
                    row.put(config.sensorIdField(), fileSensor);
                }
                final Score s = scoreOne(ReadingParser.MAPPER.writeValueAsBytes(row), in, lineNo);
                if (s != null) {
                    final List<String> outCells = new ArrayList<>(cells);
                    outCells.add(Double.toString(s.score()));
                    outCells.add(Double.toString(s.grade()));
                    outCells.add(Boolean.toString(s.isAnomaly()));
                    if (likelihood) {
                        outCells.add(Double.toString(s.likelihood()));
                    }
                    w.write(Csv.join(outCells));
                    w.newLine();
                }
            }
        }
    }

    private void scoreNdjson(final Path in, final Path out) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8);
                BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String line;
            long lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                final byte[] json = line.getBytes(StandardCharsets.UTF_8);
                final Message m = parser.parse(null, json, null, new Source(in.toString(), 0, lineNo));
                final Score s = scoreParsed(m, in, lineNo);
                if (s != null) {
                    final ObjectNode node = (ObjectNode) ReadingParser.MAPPER.readTree(json);
                    OutputRecord.addScore(node, ((Reading) m).fields(), s);
                    w.write(ReadingParser.MAPPER.writeValueAsString(node));
                    w.newLine();
                }
            }
        }
    }

    private Score scoreOne(final byte[] json, final Path in, final long lineNo) {
        return scoreParsed(parser.parse(null, json, null, new Source(in.toString(), 0, lineNo)), in, lineNo);
    }

    private Score scoreParsed(final Message m, final Path in, final long lineNo) {
        if (m instanceof Rejected rej) {
            rejected++;
            progress.printf("skipped %s line %d: %s (%s)%n", in.getFileName(), lineNo, rej.reason().label(),
                    rej.detail());
            return null;
        }
        final Reading reading = (Reading) m;
        final SensorModel model = models.computeIfAbsent(reading.sensorId(),
                id -> SensorModel.create(settings, id, reading.fields()));
        if (!model.acceptsFields(reading.fields())) {
            rejected++;
            progress.printf("skipped %s line %d: dimension-mismatch%n", in.getFileName(), lineNo);
            return null;
        }
        final long seq = sequences.merge(reading.sensorId(), 1L, Long::sum);
        final Score s = model.process(reading.values(), seq);
        if (++records % 50_000 == 0) {
            progress.printf("scored %,d records%n", records);
        }
        return s;
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
