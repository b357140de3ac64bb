package dev.forestwatch.streams;

import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.connect.common.ConfigReference;
import dev.forestwatch.streams.offline.OfflineScorer;
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
 * Command line: {@code run} the streams app, {@code score} a file offline, or print the {@code config-docs}.
 */
public final class Main {

    private static final String USAGE = String.join("\n",
            "usage: forestwatch-streams <command> [options]",
            "  run         [--config FILE] [--set key=value]...   run the Kafka Streams app until stopped",
            "  score       --in FILE --out FILE [--config FILE] [--set key=value]...",
            "                  score a .csv or .ndjson file offline with the same models (one sensor per file",
            "                  when the CSV has no sensor id column)",
            "  config-docs [--out FILE]                            write the configuration reference (Markdown)",
            "Settings: forestwatch's own (see docs/config/streams-app.md) and any Kafka Streams setting.");

    private Main() {}

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
                case "config-docs":
                    return configDocs(o);
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
