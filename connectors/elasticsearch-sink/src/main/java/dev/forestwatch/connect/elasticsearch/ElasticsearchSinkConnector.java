package dev.forestwatch.connect.elasticsearch;

import dev.forestwatch.connect.common.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/** Indexes records into Elasticsearch; see {@link ElasticsearchSinkConfig}. */
public final class ElasticsearchSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public void start(final Map<String, String> props) {
        new ElasticsearchSinkConfig(props); // fail fast on bad settings
        this.props = new HashMap<>(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ElasticsearchSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(final int maxTasks) {
        final List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return ElasticsearchSinkConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return Version.get();
    }
}
