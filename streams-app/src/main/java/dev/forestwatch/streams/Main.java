package dev.forestwatch.streams;

import dev.forestwatch.connect.common.ConfigReference;
import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.discover.DiscoverCommand;
import dev.forestwatch.streams.nab.NabCorpus;
import dev.forestwatch.streams.nab.NabEvaluation;
import dev.forestwatch.streams.nab.NabScorer;
import dev.forestwatch.streams.offline.OfflineScorer;
import dev.forestwatch.streams.output.OutputRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;

/**
 * Command line: {@code run} the streams app, {@code score} a file offline, evaluate presets on NAB
 * ({@code eval-nab}), {@code discover} the input's fields from a sample, or print the {@code config-docs}.
 */
public final class Main {

    private static final String USAGE = String.join("\n",
            "usage: forestwatch-streams <command> [options]",
            "  run         [--config FILE] [--set key=value]...   run the Kafka Streams app until stopped",
            "  score       --in FILE --out FILE [--config FILE] [--set key=value]...",
            "                  score a .csv or .ndjson file offline with the same models (one sensor per file",
            "                  when the CSV has no sensor id column)",
            "  eval-nab    --data DIR [--detectors kda,forestwatch] [--config FILE] [--set key=value]...",
            "                  score each preset over a NAB-layout folder (data/, labels/combined_windows.json)",
            "                  with the offline scorer and print NAB's standard / low FP / low FN scores",
            "  discover    --file FILE | --topic NAME --bootstrap HOST:PORT  [--records N] [--write FILE]",
            "                  infer the input's fields from a sample (JSON lines, CSV, or a topic from its start):",
            "                  types, nulls, examples, the suggested sensor.id.field and value.fields, warnings",
            "  config-docs [--out FILE]                            write the configuration reference (Markdown)",
            "Settings: forestwatch's own (see docs/config/streams-app.md) and any Kafka Streams setting.");

    private Main() {
    }

    public static void main(final String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(final String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            System.out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        final Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        try {
            switch (o.command) {
                case "run":
                    return new App(new AppConfig(o.settings())).runUntilStopped();
                case "score":
                    return score(o);
                case "eval-nab":
                    return evalNab(o);
                case "config-docs":
                    return configDocs(o);
                case "discover":
                    return DiscoverCommand.run(o.file == null ? null : Path.of(o.file), o.topic, o.settings(),
                            o.records, o.write == null ? null : Path.of(o.write), System.out);
                default:
                    System.err.println("unknown command '" + o.command + "'");
                    System.err.println(USAGE);
                    return 2;
            }
        } catch (ConfigException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            // bad arguments found past the option parsing (e.g. score's --in suffix): a usage error, not a crash
            System.err.println(e.getMessage());
            return 2;
        } catch (NoSuchFileException e) {
            System.err.println("No such file: " + e.getFile());
            return 2;
        }
    }

    private static int score(final Options o) throws IOException {
        if (o.in == null || o.out == null) {
            System.err.println("score needs --in FILE and --out FILE");
            return 2;
        }
        final OfflineScorer scorer = new OfflineScorer(new AppConfig(o.settings()), System.err);
        final OfflineScorer.Summary s = scorer.score(Path.of(o.in), Path.of(o.out));
        System.err.printf("scored %,d records of %d sensor(s) in %.1f s (%,.0f records/s), skipped %,d -> %s%n",
                s.records(), s.sensors(), s.seconds(), s.records() / Math.max(s.seconds(), 1e-9), s.rejected(),
                o.out);
        return 0;
    }

    private static int evalNab(final Options o) throws IOException {
        if (o.data == null) {
            System.err.println("eval-nab needs --data DIR (a NAB-layout folder, e.g. ../shared/data/nab)");
            return 2;
        }
        final NabCorpus corpus = NabCorpus.load(Path.of(o.data));
        final Path kda = corpus.root().resolve("kda-rcf-results");
        if (Files.isDirectory(kda)) {
            final List<NabScorer.Result> check = NabEvaluation.scoreStored(corpus, kda, "randomCutForest_",
                    "anomaly_score");
            System.out.printf("Scorer check, KDA's published outputs (kda-rcf-results/): %.1f / %.1f / %.1f%n%n",
                    check.get(0).normalized(), check.get(1).normalized(), check.get(2).normalized());
        }
        final List<NabEvaluation.Run> runs = new ArrayList<>();
        for (final String detector : o.detectors.split(",")) {
            final Map<String, Object> settings = o.settings();
            settings.put(AppConfig.DETECTOR_CONFIG, detector.trim());
            final AppConfig config = new AppConfig(settings);
            System.err.printf("scoring %d series with detector=%s%n", corpus.series().size(), detector.trim());
            runs.add(NabEvaluation.run(corpus, "detector=" + detector.trim(), settings,
                    OutputRecord.rankingColumn(config.detector())));
        }
        System.out.printf("NAB on %d series, %d windows (normalised: 0 = never detect, 100 = perfect)%n%n",
                corpus.series().size(), corpus.windowCount());
        System.out.print(NabEvaluation.table(runs));
        if (runs.size() > 1 && runs.get(0).cpuSeconds() > 0) {
            System.out.printf("%nCPU per record relative to %s:", runs.get(0).label());
            for (final NabEvaluation.Run r : runs.subList(1, runs.size())) {
                System.out.printf(" %s %.2fx", r.label(), r.cpuMicrosPerRecord() / runs.get(0).cpuMicrosPerRecord());
            }
            System.out.println();
        }
        return 0;
    }

    private static int configDocs(final Options o) throws IOException {
        final String md = streamsAppReference();
        if (o.out == null) {
            System.out.print(md);
        } else {
            Files.writeString(Path.of(o.out), md, StandardCharsets.UTF_8);
        }
        return 0;
    }

    public static String streamsAppReference() {
        return ConfigReference.markdown("forestwatch streams app configuration",
                "Keys of the app's properties file (`run --config FILE`, overridable with `--set key=value`). "
                        + "Any other key is passed to Kafka Streams as is (e.g. `bootstrap.servers`, "
                        + "`application.id`, `num.stream.threads`, `security.protocol`); forestwatch sets "
                        + "`processing.guarantee=exactly_once_v2`, its exception handlers and a 16 MiB producer "
                        + "`max.request.size` unless you override them.",
                AppConfig.CONFIG_DEF);
    }

    /** Parsed arguments: a command, an optional properties file, and --set overrides applied on top. */
    static final class Options {
        String command;
        String config;
        String in;
        String out;
        String data;
        String detectors = "kda,forestwatch";
        String file;
        String topic;
        String write;
        int records = 1000;
        final List<String> sets = new ArrayList<>();

        static Options parse(final String[] args) {
            final Options o = new Options();
            o.command = args[0];
            for (int i = 1; i < args.length; i++) {
                final String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                final String v = args[++i];
                switch (a) {
                    case "--config" -> o.config = v;
                    case "--set" -> {
                        if (v.indexOf('=') <= 0) {
                            throw new IllegalArgumentException("--set needs key=value, got '" + v + "'");
                        }
                        o.sets.add(v);
                    }
                    case "--in" -> o.in = v;
                    case "--out" -> o.out = v;
                    case "--data" -> o.data = v;
                    case "--detectors" -> o.detectors = v;
                    case "--file" -> o.file = v;
                    case "--topic" -> o.topic = v;
                    case "--bootstrap" -> o.sets.add("bootstrap.servers=" + v);
                    case "--records" -> o.records = Integer.parseInt(v);
                    case "--write" -> o.write = v;
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            return o;
        }

        Map<String, Object> settings() throws IOException {
            final Properties p = new Properties();
            if (config != null) {
                try (InputStream in = Files.newInputStream(Path.of(config))) {
                    p.load(in);
                }
            }
            for (final String s : sets) {
                final int eq = s.indexOf('=');
                p.setProperty(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
            }
            final Map<String, Object> m = new HashMap<>();
            p.forEach((k, v) -> m.put(String.valueOf(k), v));
            return m;
        }
    }
}
