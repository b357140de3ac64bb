package dev.forestwatch.connect.firehose;

import dev.forestwatch.connect.common.SameConfigSinkConnector;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;

/** Delivers records to an Amazon Kinesis Data Firehose delivery stream; see {@link FirehoseSinkConfig}. */
public final class FirehoseSinkConnector extends SameConfigSinkConnector {

    @Override
    protected void check(final Map<String, String> props) {
        new FirehoseSinkConfig(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FirehoseSinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return FirehoseSinkConfig.CONFIG_DEF;
    }
}
