package ai.cpift.cli.connect;

import ai.cpift.platform.kafka.KafkaSettings;
import ai.cpift.platform.store.StoreConfig;

/** A running stack as the commands reach it: the broker and the bucket. */
public record Endpoints(KafkaSettings kafka, StoreConfig store) {
}
