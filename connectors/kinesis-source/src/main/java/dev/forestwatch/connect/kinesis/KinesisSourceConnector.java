package dev.forestwatch.connect.kinesis;

import dev.forestwatch.connect.common.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Brings a Kinesis data stream into a Kafka topic; see {@link KinesisSourceConfig}. Every task runs a KCL worker on
 * the connector's one lease table, so the KCL, not Connect, decides which task reads which shard: tasks beyond the
 * shard count stand by and take over leases of a task that goes away.
 */
public final class KinesisSourceConnector extends SourceConnector {

    private Map<String, String> props;

    @Override
    public void start(final Map<String, String> props) {
        new KinesisSourceConfig(props); // fail on a bad config here, not in every task
        DeliveryGuard.requireLossless(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Config validate(final Map<String, String> props) {
        final List<ConfigValue> values = new ArrayList<>(super.validate(props).configValues());
        // Connect settings, not ours: reported on their own names so the REST validation points at them
        DeliveryGuard.problems(props).forEach(
                (name, problem) -> values.add(new ConfigValue(name, props.get(name), List.of(), List.of(problem))));
        return new Config(values);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return KinesisSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(final int maxTasks) {
        final List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            final Map<String, String> task = new HashMap<>(props);
            task.put(KinesisSourceConfig.TASK_ID_CONFIG, Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(final Map<String, String> props) {
        // KCL checkpoints live in DynamoDB, outside any Kafka transaction: at least once, never exactly once
        return ExactlyOnceSupport.UNSUPPORTED;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return KinesisSourceConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return Version.get();
    }
}
