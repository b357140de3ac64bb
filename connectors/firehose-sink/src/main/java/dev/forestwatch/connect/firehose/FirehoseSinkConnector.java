package dev.forestwatch.connect.firehose;

import dev.forestwatch.connect.common.SameConfigSinkConnector;

/** Delivers records to an Amazon Kinesis Data Firehose delivery stream; see {@link FirehoseSinkConfig}. */
public final class FirehoseSinkConnector extends SameConfigSinkConnector {

    public FirehoseSinkConnector() {
        super(FirehoseSinkTask.class, FirehoseSinkConfig.CONFIG_DEF, FirehoseSinkConfig::new);
    }
}
