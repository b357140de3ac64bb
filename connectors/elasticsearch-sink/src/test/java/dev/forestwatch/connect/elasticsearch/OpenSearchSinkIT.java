package dev.forestwatch.connect.elasticsearch;

import dev.forestwatch.local.server.ElasticsearchDistribution;

/** The sink's integration suite against OpenSearch 2.19 (target detected from GET /). */
class OpenSearchSinkIT extends AbstractSinkIT {

    @Override
    ElasticsearchDistribution distribution() {
        return ElasticsearchDistribution.OPENSEARCH;
    }
}
