package ai.cpift.local;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Quarkus test resource hands out one working stack per JVM. */
class TestStackTest {
    @Test
    void resourceReturnsWorkingEndpointsOncePerJvm() throws Exception {
        Map<String, String> config = new CpiftStackResource().start();
        assertEquals(java.util.Set.of("kafka.bootstrap.servers", "cpift.s3.endpoint", "cpift.s3.access-key", "cpift.s3.secret-key",
                "cpift.s3.bucket"), config.keySet());
        assertEquals(config, new CpiftStackResource().start(), "the second test class gets the same stack");
        assertEquals(config, CpiftStackResource.endpoints().toConfig());
        assertEquals("embedded", TestStack.mode(), "no Docker and no external stack here");

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", config.get("kafka.bootstrap.servers")))) {
            assertNotNull(admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS));
        }
        MinioClient s3 = MinioClient.builder().endpoint(config.get("cpift.s3.endpoint"))
                .credentials(config.get("cpift.s3.access-key"), config.get("cpift.s3.secret-key")).build();
        assertTrue(s3.bucketExists(BucketExistsArgs.builder().bucket(config.get("cpift.s3.bucket")).build()));
    }
}
