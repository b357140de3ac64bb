package dev.forestwatch.connect.firehose;

import dev.forestwatch.connect.common.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/** Delivers records to an Amazon Kinesis Data Firehose delivery stream; see {@link FirehoseSinkConfig}. */
public final class FirehoseSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public void start(final Map<String, String> props) {
        new FirehoseSinkConfig(props); // fail fast on bad settings
        this.props = new HashMap<>(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FirehoseSinkTask.class;
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
        return FirehoseSinkConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return Version.get();
    }
}
