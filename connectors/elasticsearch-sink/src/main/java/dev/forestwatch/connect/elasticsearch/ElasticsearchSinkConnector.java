package dev.forestwatch.connect.elasticsearch;

import dev.forestwatch.connect.common.SameConfigSinkConnector;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;

/** Indexes records into Elasticsearch; see {@link ElasticsearchSinkConfig}. */
public final class ElasticsearchSinkConnector extends SameConfigSinkConnector {

    @Override
    protected void check(final Map<String, String> props) {
        new ElasticsearchSinkConfig(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ElasticsearchSinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return ElasticsearchSinkConfig.CONFIG_DEF;
    }
}
