package dev.forestwatch.connect.kinesis.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import dev.forestwatch.connect.kinesis.KinesisSourceConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KclClientsTest {

    /** A JDK HttpServer only speaks HTTP/1.1: a request reaching its handler proves the client chose it. */
    @Test
    void http11ReachesAnHttp11OnlyServer() throws Exception {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getProtocol() + " " + exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            final byte[] body = "{\"__type\":\"ResourceNotFoundException\",\"message\":\"no\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-amzn-ErrorType", "ResourceNotFoundException");
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        final KinesisSourceConfig config = new KinesisSourceConfig(Map.of(
                KinesisSourceConfig.STREAM_CONFIG, "RawStreamData",
                KinesisSourceConfig.TOPIC_CONFIG, "RawStreamData",
                KinesisSourceConfig.KINESIS_HTTP_PROTOCOL_CONFIG, "http1.1",
                KinesisSourceConfig.KINESIS_ENDPOINT_CONFIG, "http://127.0.0.1:" + server.getAddress().getPort(),
                "aws.region", "us-east-1",
                "aws.access.key.id", "test",
                "aws.secret.access.key", "test"));
        try (KclClients clients = KclClients.create(config.kcl())) {
            final Throwable error = catchThrowable(() -> clients.kinesis()
                    .listShards(r -> r.streamName("RawStreamData")).get(30, TimeUnit.SECONDS));
            assertThat(error).hasMessageContaining("ResourceNotFoundException");
        } finally {
            server.stop(0);
        }
        assertThat(seen).contains("HTTP/1.1 Kinesis_20131202.ListShards");
    }
}
