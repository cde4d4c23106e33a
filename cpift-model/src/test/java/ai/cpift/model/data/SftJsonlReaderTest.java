package ai.cpift.model.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SftJsonlReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        return write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(String name, byte[] content) throws Exception {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return file;
    }

    @Test
    void readsTheThreeShapesAndSkipsBlankLines() throws Exception {
        Path file = write("mixed.jsonl", """
                {"prompt": "2+2?", "response": "4", "id": 7}

                {"instruction": "Add.", "input": "2, 2", "output": "4"}
                {"instruction": "Say hi.", "output": "hi"}
                \t
                {"instruction": "Say hi.", "input": null, "output": "hi"}
                {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}, \
                {"role": "assistant", "content": "hello"}, {"role": "user", "content": "bye"}, \
                {"role": "assistant", "content": "bye!"}]}
                """);
        String f = file.toString();
        List<SftExample> all = SftJsonlReader.readAll(file);
        assertEquals(List.of(
                new PromptResponseExample(new ExampleOrigin(f, 1), "2+2?", "4"),
                new AlpacaExample(new ExampleOrigin(f, 3), "Add.", "2, 2", "4"),
                new AlpacaExample(new ExampleOrigin(f, 4), "Say hi.", "", "hi"),
                new AlpacaExample(new ExampleOrigin(f, 6), "Say hi.", "", "hi"),
                new ChatExample(new ExampleOrigin(f, 7), List.of(
                        new ChatMessage(ChatRole.SYSTEM, "Be brief."),
                        new ChatMessage(ChatRole.USER, "hi"),
                        new ChatMessage(ChatRole.ASSISTANT, "hello"),
                        new ChatMessage(ChatRole.USER, "bye")), "bye!")), all);
    }

    @Test
    void crlfLineEndingsAndAByteOrderMarkAreAccepted() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bytes.write("{\"prompt\": \"é\", \"response\": \"ü\\r\"}\r\n\r\n{\"prompt\": \"a\", \"response\": \"b\"}"
                .getBytes(StandardCharsets.UTF_8));
        Path file = write("crlf.jsonl", bytes.toByteArray());
        assertEquals(List.of(
                new PromptResponseExample(new ExampleOrigin(file.toString(), 1), "é", "ü\r"),
                new PromptResponseExample(new ExampleOrigin(file.toString(), 3), "a", "b")), SftJsonlReader.readAll(file));
    }

    /** The error for a file whose only content is line 1 + "\n" + {@code badLine} (line 2). */
    private DatasetFormatException errorAtLine2(String badLine) throws Exception {
        Path file = write("tasks/math/train.jsonl", "{\"prompt\": \"ok\", \"response\": \"ok\"}\n" + badLine + "\n");
        return assertThrows(DatasetFormatException.class, () -> SftJsonlReader.readAll(file));
    }

    private String at2() {
        return "dataset " + dir.resolve("tasks/math/train.jsonl") + " line 2";
    }

    @Test
    void missingFieldNamesFileLineAndField() throws Exception {
        DatasetFormatException e = errorAtLine2("{\"instruction\": \"Add.\", \"input\": \"1, 2\"}");
        assertEquals(at2() + ": field 'output' missing; fix: add \"output\": \"...\"", e.getMessage());
        assertEquals(2, e.line());
        assertEquals("output", e.field());
        assertEquals(dir.resolve("tasks/math/train.jsonl").toString(), e.file());

        assertEquals(at2() + ": field 'response' missing; fix: add \"response\": \"...\"",
                errorAtLine2("{\"prompt\": \"2+2?\", \"answer\": \"4\"}").getMessage());
    }

    @Test
    void wrongTypeNamesTheTypeFound() throws Exception {
        assertEquals(at2() + ": field 'output' must be a string, found a number (5); fix: write it as a JSON string: "
                + "\"output\": \"...\"", errorAtLine2("{\"instruction\": \"Add.\", \"output\": 5}").getMessage());
        assertEquals(at2() + ": field 'input' must be a string, found a list ([\"a\"]); fix: write it as a JSON string: "
                        + "\"input\": \"...\"",
                errorAtLine2("{\"instruction\": \"Add.\", \"input\": [\"a\"], \"output\": \"x\"}").getMessage());
        assertEquals(at2() + ": field 'prompt' must be a string, found null; fix: write it as a JSON string: "
                + "\"prompt\": \"...\"", errorAtLine2("{\"prompt\": null, \"response\": \"x\"}").getMessage());
        assertEquals(at2() + ": field 'messages' must be a list of {\"role\", \"content\"} objects, found an object "
                        + "({}); fix: write \"messages\": [{\"role\": \"user\", \"content\": ...}, {\"role\": \"assistant\", "
                        + "\"content\": ...}]",
                errorAtLine2("{\"messages\": {}}").getMessage());
        assertEquals(at2() + ": field 'messages[1].content' must be a string, found a boolean (true); fix: write it as a "
                        + "JSON string: \"content\": \"...\"",
                errorAtLine2("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", "
                        + "\"content\": true}]}").getMessage());
    }

    @Test
    void emptyResponsesAndPromptsAreRefused() throws Exception {
        DatasetFormatException output = errorAtLine2("{\"instruction\": \"Add.\", \"output\": \"  \"}");
        assertEquals(at2() + ": field 'output' is empty: the response is what the loss is taken on and there is nothing "
                + "to train on; fix: write the response, or remove the line", output.getMessage());
        assertEquals("output", output.field());
        assertEquals(at2() + ": field 'response' is empty: the response is what the loss is taken on and there is "
                        + "nothing to train on; fix: write the response, or remove the line",
                errorAtLine2("{\"prompt\": \"a\", \"response\": \"\"}").getMessage());
        assertEquals(at2() + ": field 'messages[1].content' is empty: the last assistant message is the response and "
                        + "there is nothing to train on; fix: write the response, or remove the line",
                errorAtLine2("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", "
                        + "\"content\": \"\"}]}").getMessage());
        assertEquals(at2() + ": field 'instruction' is empty: a response with no prompt teaches nothing about the task; "
                        + "fix: write the instruction, or remove the line",
                errorAtLine2("{\"instruction\": \"\", \"output\": \"x\"}").getMessage());
    }

    @Test
    void malformedJsonGivesTheParsersColumn() throws Exception {
        String line = "{\"prompt\": \"a\", \"response\": }";
        DatasetFormatException e = errorAtLine2(line);
        int column = line.indexOf('}') + 1; // the parser stops at the '}' where a value should be
        String expectedStart = at2() + " column " + column + ": malformed JSON (Unexpected character ('}'";
        assertEquals(expectedStart, e.getMessage().substring(0, expectedStart.length()), e.getMessage());
        assertEquals(true, e.getMessage().endsWith("); fix: write each example as one JSON object on one line"),
                e.getMessage());
        assertEquals(null, e.field());

        String twice = "{\"prompt\": \"a\", \"response\": \"b\", \"response\": \"c\"}";
        assertEquals(true, errorAtLine2(twice).getMessage().contains("malformed JSON (Duplicate field 'response')"));
        String trailing = "{\"prompt\": \"a\", \"response\": \"b\"} {\"prompt\": \"c\"}";
        assertEquals(true, errorAtLine2(trailing).getMessage().startsWith(at2() + " column "), trailing);
    }

    @Test
    void aLineThatIsNotAnObjectOrNoShapeIsNamed() throws Exception {
        assertEquals(at2() + ": is a list ([1,2]), not a JSON object; fix: write each example as one JSON object on one line: "
                + SftExampleParser.SHAPE_LIST, errorAtLine2("[1, 2]").getMessage());
        assertEquals(at2() + ": is none of the three SFT shapes (fields found: 'text', 'id'); fix: write "
                + SftExampleParser.SHAPE_LIST, errorAtLine2("{\"text\": \"a\", \"id\": 1}").getMessage());
        assertEquals(at2() + ": has both 'instruction' and 'prompt', so its shape is ambiguous; fix: keep the fields of "
                        + "one shape: " + SftExampleParser.SHAPE_LIST,
                errorAtLine2("{\"instruction\": \"a\", \"prompt\": \"b\", \"output\": \"c\"}").getMessage());
    }

    @Test
    void chatErrorsNameTheMessage() throws Exception {
        DatasetFormatException none = errorAtLine2("{\"messages\": [{\"role\": \"system\", \"content\": \"a\"}, "
                + "{\"role\": \"user\", \"content\": \"b\"}]}");
        assertEquals(at2() + ": field 'messages' has no assistant message, so there is no response to train on; fix: end "
                + "the conversation with {\"role\": \"assistant\", \"content\": ...}", none.getMessage());
        assertEquals(at2() + ": field 'messages' has no assistant message, so there is no response to train on; fix: end "
                        + "the conversation with {\"role\": \"assistant\", \"content\": ...}",
                errorAtLine2("{\"messages\": []}").getMessage());
        assertEquals(at2() + ": field 'messages[2]' is a user message after the last assistant message, with no response "
                        + "to train on; fix: end the conversation with the assistant's answer, or remove the trailing "
                        + "messages",
                errorAtLine2("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", "
                        + "\"content\": \"b\"}, {\"role\": \"user\", \"content\": \"c\"}]}").getMessage());
        assertEquals(at2() + ": field 'messages[0].role' is 'tool', not a role this trainer knows; fix: use system, user "
                        + "or assistant",
                errorAtLine2("{\"messages\": [{\"role\": \"tool\", \"content\": \"a\"}]}").getMessage());
        assertEquals(at2() + ": field 'messages[0].role' missing; fix: add \"role\": \"...\"",
                errorAtLine2("{\"messages\": [{\"content\": \"a\"}]}").getMessage());
        assertEquals(at2() + ": field 'messages[0]' must be a {\"role\", \"content\"} object, found a string (\"hi\"); "
                        + "fix: write {\"role\": \"user\", \"content\": ...}",
                errorAtLine2("{\"messages\": [\"hi\"]}").getMessage());
    }

    @Test
    void emptyAndBlankFilesAreRefused() throws Exception {
        for (String content : new String[]{"", "\n  \n\t\r\n"}) {
            Path file = write("empty.jsonl", content);
            DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SftJsonlReader.readAll(file));
            assertEquals("dataset " + file + ": has no examples (the file is empty or has only blank lines); fix: write "
                    + "one example per line: " + SftExampleParser.SHAPE_LIST, e.getMessage());
            assertEquals(0, e.line());
        }
    }

    @Test
    void invalidUtf8IsReportedOnItsOwnLine() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // many good lines first, so that a decoder reading ahead would notice the bad byte early
        for (int i = 0; i < 2000; i++) {
            bytes.write("{\"prompt\": \"a\", \"response\": \"b\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        bytes.write("{\"prompt\": \"a\", \"response\": \"".getBytes(StandardCharsets.UTF_8)); // 29 bytes
        bytes.write(new byte[]{(byte) 0xC3, (byte) 0x28}); // 0xC3 needs a continuation byte, 0x28 is not one
        bytes.write("\"}\n".getBytes(StandardCharsets.UTF_8));
        Path file = write("latin1.jsonl", bytes.toByteArray());
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SftJsonlReader.readAll(file));
        assertEquals("dataset " + file + " line 2001: is not valid UTF-8 (byte 30 of the line starts a malformed "
                + "sequence); fix: save the file as UTF-8", e.getMessage());
    }

    @Test
    void theFileIsNamedAsGiven() throws Exception {
        write("tasks/math/train.jsonl", "{\"prompt\": 1, \"response\": \"x\"}");
        Path given = dir.resolve("tasks/math/../math/./train.jsonl");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> SftJsonlReader.readAll(given));
        assertEquals("dataset " + given + " line 1: field 'prompt' must be a string, found a number (1); fix: write it "
                + "as a JSON string: \"prompt\": \"...\"", e.getMessage());

        Path missing = dir.resolve("nope.jsonl");
        DatasetFormatException gone = assertThrows(DatasetFormatException.class, () -> SftJsonlReader.readAll(missing));
        assertEquals(true, gone.getMessage().startsWith("dataset " + missing + ": not found; fix: check the path"),
                gone.getMessage());
    }

    @Test
    void readingStreamsOneExampleAtATimeInOrder() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            sb.append("{\"prompt\": \"p").append(i).append("\", \"response\": \"r").append(i).append("\"}\n");
        }
        Path file = write("big.jsonl", sb.toString());
        long[] seen = {0};
        long count = SftJsonlReader.forEach(file, ex -> {
            assertEquals("r" + seen[0], ex.response());
            assertEquals(seen[0] + 1, ex.origin().line());
            seen[0]++;
        });
        assertEquals(5000, count);
        assertEquals(5000, seen[0]);
    }
}
