package dev.forestwatch.streams.discover;

import dev.forestwatch.streams.config.AppConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** {@code discover}: a sample from a file or a topic, the inferred table, and optionally the settings file. */
public final class DiscoverCommand {

    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private DiscoverCommand() {
    }

    /**
     * @param settings the app's settings (--config/--set): bootstrap.servers and security for a topic, and
     *            input.max.fields
     */
    public static int run(final Path file, final String topic, final Map<String, Object> settings, final int records,
            final Path write, final PrintStream out) throws IOException {
        if ((file == null) == (topic == null)) {
            throw new IllegalArgumentException("discover needs --file FILE or --topic NAME (with --bootstrap or "
                    + "bootstrap.servers in --config)");
        }
        final AppConfig config = new AppConfig(settings);
        final SchemaDiscovery discovery = new SchemaDiscovery();
        final String source;
        if (file != null) {
            SampleReader.file(file, records, discovery);
            source = file.toString();
        } else {
            final Map<String, Object> client = new HashMap<>();
            settings.forEach((k, v) -> {
                if (ConsumerConfig.configNames().contains(k)) {
                    client.put(k, v);
                }
            });
            if (!client.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                throw new IllegalArgumentException("discover --topic needs --bootstrap HOST:PORT (or "
                        + "bootstrap.servers in --config)");
            }
            SampleReader.kafka(client, topic, records, KAFKA_TIMEOUT, discovery);
            source = "topic " + topic;
        }
        final SchemaDiscovery.Result result = discovery.result(config.inputMaxFields());
        out.print(DiscoveryReport.table(source, result));
        if (write != null) {
            DiscoveryReport.write(write, source, result);
            out.println("\nWrote " + result.settings().keySet() + " to " + write + " (use it with run --config, "
                    + "or copy the lines into config/streams-app.properties)");
        }
        return result.records() == 0 ? 1 : 0;
    }
}
