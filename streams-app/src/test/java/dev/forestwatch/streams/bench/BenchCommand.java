package dev.forestwatch.streams.bench;

import dev.forestwatch.local.BenchExit;
import dev.forestwatch.local.Flags;
import dev.forestwatch.local.Logging;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** What the bench commands share around their runs: console logging, flags or usage, exit status, flag checks. */
final class BenchCommand {

    /** A bench command's run, given its parsed options. */
    interface Run<T> {
        void run(T options) throws Exception;
    }

    private BenchCommand() {
    }

    /** {@link BenchExit#main}, logging only warnings to the console. */
    static <T> void main(final String name, final String[] args, final String usage,
            final Function<Flags, T> read, final Run<T> run) {
        // before the first logger: the test classpath's logback-test.xml logs INFO to stdout, over the output
        Logging.useBundledConfig(Logging.CONSOLE_CONFIG);
        BenchExit.main(name, args, usage, read, (options, open) -> run.run(options));
    }

    /** An int flag, refused below {@code min}. */
    static int atLeast(final Flags flags, final String name, final int dflt, final int min) {
        final int n = flags.intValue(name, dflt);
        if (n < min) {
            throw new IllegalArgumentException("--" + name + " must be at least " + min + ", got " + n);
        }
        return n;
    }

    /** {@code --app-settings k=v,k=v}: more app or Kafka Streams settings, in order. */
    static Map<String, String> appSettings(final String flag) {
        final Map<String, String> m = new LinkedHashMap<>();
        if (flag != null) {
            for (final String kv : flag.split(",")) {
                final int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(
                            "--app-settings takes key=value[,key=value...], got '" + kv + "'");
                }
                m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        return m;
    }
}
