package ai.cpift.platform.store;

import java.util.Objects;

/**
 * Where the bucket is and how to sign requests. {@link #toString()} leaves the secret out, so the
 * record can be logged.
 */
public record StoreConfig(String endpoint, String accessKey, String secretKey, String bucket) {
    public StoreConfig {
        Objects.requireNonNull(endpoint, "S3 endpoint");
        Objects.requireNonNull(accessKey, "S3 access key");
        Objects.requireNonNull(secretKey, "S3 secret key");
        Objects.requireNonNull(bucket, "S3 bucket");
    }

    @Override
    public String toString() {
        return "StoreConfig[endpoint=" + endpoint + ", accessKey=" + accessKey + ", bucket=" + bucket + "]";
    }
}
