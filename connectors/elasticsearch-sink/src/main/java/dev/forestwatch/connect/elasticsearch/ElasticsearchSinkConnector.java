package dev.forestwatch.connect.elasticsearch;

import dev.forestwatch.connect.common.SameConfigSinkConnector;

/** Indexes records into Elasticsearch; see {@link ElasticsearchSinkConfig}. */
public final class ElasticsearchSinkConnector extends SameConfigSinkConnector {

    public ElasticsearchSinkConnector() {
        super(ElasticsearchSinkTask.class, ElasticsearchSinkConfig.CONFIG_DEF, ElasticsearchSinkConfig::new);
    }
}
