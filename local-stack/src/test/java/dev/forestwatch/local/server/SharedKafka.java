package dev.forestwatch.local.server;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects one {@link EmbeddedKafka} shared by every test class of the test JVM; it lives in the root
 * store, which JUnit closes (as an AutoCloseable) after the last test. Use with
 * {@code @ExtendWith(SharedKafka.class)} and an {@code EmbeddedKafka} parameter.
 */
public final class SharedKafka implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedKafka.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("kafka", key -> EmbeddedKafka.start(), EmbeddedKafka.class);
    }
}
