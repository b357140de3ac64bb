package dev.forestwatch.connect.common;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * A sink connector whose tasks all get its own settings (Connect spreads the topic partitions among them): it
 * checks the settings at start so a bad value fails the connector, not each task later.
 */
public abstract class SameConfigSinkConnector extends SinkConnector {

    private Map<String, String> props;

    /** Parses the settings with the connector's typed config; throws ConfigException naming the bad setting. */
    protected abstract void check(Map<String, String> props);

    @Override
    public final void start(final Map<String, String> props) {
        check(props);
        this.props = new HashMap<>(props);
    }

    @Override
    public final List<Map<String, String>> taskConfigs(final int maxTasks) {
        final List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public final void stop() {
    }

    @Override
    public final String version() {
        return Version.get();
    }
}
