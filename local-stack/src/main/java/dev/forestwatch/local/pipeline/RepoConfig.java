package dev.forestwatch.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.local.Directories;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** What a run reads from the repository: the plugin zips of the current build and the shared configs in config/. */
final class RepoConfig {
    static final String BUILD_COMMAND = "mvn -B -q install -DskipTests";
    /** Keys of config/connect-distributed.properties that are this run's own: addresses and paths. */
    static final Set<String> LOCAL_WORKER_KEYS = Set.of("bootstrap.servers", "listeners", "rest.advertised.host.name",
            "rest.advertised.port", "plugin.path");
    private static final ObjectMapper JSON = new ObjectMapper();

    private RepoConfig() {
    }

    /** The plugin zips of the current build, or an error naming the command that builds them. */
    static Map<String, Path> locatePluginZips(Path repo) {
        Map<String, Path> zips = new LinkedHashMap<>();
        for (String plugin : Pipeline.PLUGINS) {
            Path target = repo.resolve("connectors").resolve(plugin).resolve("target");
            Path newest = Directories.newest(target, "forestwatch-" + plugin + "-*.zip").orElse(null);
            if (newest == null) {
                throw new IllegalStateException("The " + plugin + " plugin zip is missing under " + target
                        + ". Build it with: " + BUILD_COMMAND + "   (./forestwatch up builds what is missing)");
            }
            zips.put(plugin, newest);
        }
        return zips;
    }

    /** The worker settings docker compose uses too, without its addresses and paths. */
    static Map<String, String> workerConfig(Path repo) {
        Path path = repo.resolve("config").resolve("connect-distributed.properties");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Connect worker config " + path, e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().stream().filter(k -> !LOCAL_WORKER_KEYS.contains(k)).sorted()
                .forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /** The {@code config} object of {@code config/<connector>.json}, as strings. */
    static Map<String, String> connectorConfig(Path repo, String connector) {
        Path path = repo.resolve("config").resolve(connector + ".json");
        try {
            JsonNode config = JSON.readTree(path.toFile()).path("config");
            if (!config.isObject()) {
                throw new IllegalStateException(path + " has no \"config\" object");
            }
            Map<String, String> m = new LinkedHashMap<>();
            config.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read connector config " + path, e);
        }
    }

    static Path streamsConfig(Path repo) {
        return repo.resolve("config").resolve("streams-app.properties");
    }
}
