package ai.cpift.cli.connect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the endpoints come from: options, the secret's environment variable, the local stack's file, or a clear error. */
class StackOptionsTest {
    @TempDir
    Path home;

    @Test
    void optionsWinOverTheStackFileAndTheEnvironmentOverTheSecretOption() throws Exception {
        Files.createDirectories(home.resolve(".cpift"));
        Files.writeString(home.resolve(".cpift/stack.json"), """
                {"kafkaBootstrap": "127.0.0.1:9092", "s3Endpoint": "http://127.0.0.1:9000", "accessKey": "ak", "secretKey": "sk",
                 "bucket": "b1"}
                """);
        StackOptions o = new StackOptions();
        Endpoints e = o.resolve(Map.of("CPIFT_HOME", home.toString()));
        assertEquals("127.0.0.1:9092", e.kafka().bootstrapServers());
        assertEquals("http://127.0.0.1:9000", e.store().endpoint());
        assertEquals("sk", e.store().secretKey());
        assertEquals("b1", e.store().bucket());

        o.kafka = "k:1";
        o.secretKey = "from-option";
        e = o.resolve(Map.of("CPIFT_HOME", home.toString(), StackOptions.SECRET_ENV, "from-env"));
        assertEquals("k:1", e.kafka().bootstrapServers());
        assertEquals("from-env", e.store().secretKey());
        assertEquals("ak", e.store().accessKey());
    }

    @Test
    void everythingGivenNeedsNoFileAndNothingGivenNamesTheFileAndTheFix() throws Exception {
        StackOptions o = new StackOptions();
        IOException x = assertThrows(IOException.class, () -> o.resolve(Map.of("CPIFT_HOME", home.toString())));
        assertTrue(x.getMessage().contains(home.resolve(".cpift/stack.json") + " does not exist"), x.getMessage());
        assertTrue(x.getMessage().contains("./cpift stack up"), x.getMessage());
        o.kafka = "k:1";
        o.s3Endpoint = "http://s3";
        o.accessKey = "a";
        Endpoints e = o.resolve(Map.of("CPIFT_HOME", home.toString(), StackOptions.SECRET_ENV, "s"));
        assertEquals("cpift", e.store().bucket());
        assertEquals("s", e.store().secretKey());
    }
}
