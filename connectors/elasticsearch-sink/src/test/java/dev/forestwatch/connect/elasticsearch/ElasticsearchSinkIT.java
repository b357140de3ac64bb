package dev.forestwatch.connect.elasticsearch;

import dev.forestwatch.local.server.ElasticsearchDistribution;

/** The sink's integration suite against Elasticsearch 8.19. */
class ElasticsearchSinkIT extends AbstractSinkIT {

    @Override
    ElasticsearchDistribution distribution() {
        return ElasticsearchDistribution.ELASTICSEARCH;
    }
}
