package dev.forestwatch.local.server;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * An AWS service emulator from npm ({@link NodeEmulator}) with the SDK client that talks to it: what
 * {@link EmbeddedKinesis} and {@link EmbeddedDynamo} share. Both serve plain HTTP on 127.0.0.1, take region
 * {@link #REGION} and any static credentials ({@link #credentials()}), and are SIGKILLed by {@link #close()}.
 *
 * @param <C> the SDK client type, e.g. {@code KinesisClient}
 */
public abstract class AwsEmulator<C extends SdkAutoCloseable> implements AutoCloseable {
    public static final Region REGION = Region.US_EAST_1;
    /** The emulators answer 1-2 s after start here; a loaded CI machine may take several times that. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** For a created stream or table to become ACTIVE (about 0.5 s). */
    static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(30);

    private final NodeEmulator process;
    private final URI endpoint;
    private final C client;

    /** What a subclass's constructor gets from {@link #start}. */
    protected record Started<C>(NodeEmulator process, URI endpoint, C client) {
    }

    protected AwsEmulator(Started<C> started) {
        this.process = started.process();
        this.endpoint = started.endpoint();
        this.client = started.client();
    }

    /**
     * Starts the npm package's emulator with the launch that {@code launch} builds for the package's directory and
     * a free plain-HTTP port (a new one after a bind failure), and returns once {@code probe} (an API call on a new
     * client) succeeds.
     */
    static <C extends SdkAutoCloseable> Started<C> start(String npmPackage, String script,
            BiFunction<Path, Integer, NodeEmulator.Launch> launch, Function<URI, C> newClient, Consumer<C> probe) {
        Path pkg = Emulators.packageDir(npmPackage, script);
        URI[] endpoint = new URI[1];
        List<C> clients = new java.util.ArrayList<>(1);
        try {
            NodeEmulator process = NodeEmulator.start(npmPackage, STARTUP_TIMEOUT, attempt -> {
                int port = FreePort.pick();
                clients.forEach(SdkAutoCloseable::close);
                clients.clear();
                endpoint[0] = URI.create("http://127.0.0.1:" + port);
                clients.add(newClient.apply(endpoint[0]));
                return launch.apply(pkg, port);
            }, () -> {
                probe.accept(clients.get(0));
                return true;
            });
            return new Started<>(process, endpoint[0], clients.get(0));
        } catch (RuntimeException e) {
            clients.forEach(SdkAutoCloseable::close);
            throw e;
        }
    }

    /** The SDK settings every client of an emulator uses: short connect timeout, fixed region, fake credentials. */
    static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C newClient(B builder, URI endpoint) {
        return builder.httpClientBuilder(UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(30)))
                .region(REGION)
                .credentialsProvider(credentials())
                .endpointOverride(endpoint)
                .build();
    }

    /** Static fake credentials; the emulators check none. */
    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("forestwatch", "forestwatch"));
    }

    /** {@code http://127.0.0.1:<port>}: the endpoint override for any client of this emulator (also KCL's). */
    public URI endpoint() {
        return endpoint;
    }

    /** A synchronous client for this emulator, owned by it: do not close it, {@link #close()} does. */
    public C client() {
        return client;
    }

    /** The emulator's output. */
    public Path logFile() {
        return process.logFile();
    }

    public boolean isRunning() {
        return process.isRunning();
    }

    /** The node process and its descendants while running. */
    List<ProcessHandle> processes() {
        return process.processes();
    }

    /** Closes the client, SIGKILLs the emulator and waits until no process of it remains. Idempotent. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            process.kill();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + endpoint + "]";
    }
}
