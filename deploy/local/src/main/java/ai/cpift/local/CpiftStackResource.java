package ai.cpift.local;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * {@code @QuarkusTestResource(CpiftStackResource.class)} (or {@code @WithTestResource}): hands a test
 * application the shared stack of this JVM ({@link TestStack#shared()}) as
 * {@code kafka.bootstrap.servers} and {@code cpift.s3.endpoint|access-key|secret-key|bucket}.
 * Supplying {@code kafka.bootstrap.servers} also keeps Quarkus' Kafka Dev Services off.
 */
public final class CpiftStackResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return TestStack.shared().toConfig();
    }

    @Override
    public void stop() {
        // One stack serves every test class of the JVM; starting one per class would cost seconds each. A
        // shutdown hook stops it.
    }

    /** The same endpoints for tests that are not Quarkus tests. */
    public static StackEndpoints endpoints() {
        return TestStack.shared();
    }
}
