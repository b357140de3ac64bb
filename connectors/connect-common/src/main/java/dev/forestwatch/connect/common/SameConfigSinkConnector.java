package dev.forestwatch.connect.common;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * A sink connector whose tasks all get its own settings (Connect spreads the topic partitions among them): it
 * checks the settings at start so a bad value fails the connector, not each task later. A sink is only its task
 * class and its config, given to the constructor.
 */
public abstract class SameConfigSinkConnector extends SinkConnector {

    private final Class<? extends Task> taskClass;
    private final ConfigDef configDef;
    private final Function<Map<String, String>, ?> parse;
    private Map<String, String> props;

    /**
     * @param parse the connector's typed config constructor; it throws ConfigException naming a bad setting
     */
    protected SameConfigSinkConnector(final Class<? extends Task> taskClass, final ConfigDef configDef,
            final Function<Map<String, String>, ?> parse) {
        this.taskClass = taskClass;
        this.configDef = configDef;
        this.parse = parse;
    }

    @Override
    public final void start(final Map<String, String> props) {
        parse.apply(props);
        this.props = new HashMap<>(props);
    }

    @Override
    public final Class<? extends Task> taskClass() {
        return taskClass;
    }

    @Override
    public final ConfigDef config() {
        return configDef;
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
