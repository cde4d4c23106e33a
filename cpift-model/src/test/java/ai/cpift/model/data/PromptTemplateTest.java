package ai.cpift.model.data;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptTemplateTest {
    private static final ExampleOrigin AT = new ExampleOrigin("t.jsonl", 1);
    private final PromptTemplate t = PromptTemplate.defaults();

    @Test
    void defaultPromptsOfEachShape() {
        assertEquals("### Instruction:\nWhat is 2+2?\n\n### Response:\n",
                t.prompt(new PromptResponseExample(AT, "What is 2+2?", "4")));
        assertEquals("### Instruction:\nAdd the numbers.\n\n### Input:\n2, 2\n\n### Response:\n",
                t.prompt(new AlpacaExample(AT, "Add the numbers.", "2, 2", "4")));
        assertEquals("### Instruction:\nSay hi.\n\n### Response:\n", t.prompt(new AlpacaExample(AT, "Say hi.", "", "hi")));
        assertEquals("### Instruction:\nSay hi.\n\n### Response:\n", t.prompt(new AlpacaExample(AT, "Say hi.", " \n", "hi")));
        assertEquals("### Assistant:\n", t.prompt(new ChatExample(AT, List.of(), "hi")));
    }

    @Test
    void multiTurnChatRendersEveryEarlierTurnIntoThePrompt() {
        ChatExample chat = new ChatExample(AT, List.of(
                new ChatMessage(ChatRole.SYSTEM, "Be brief."),
                new ChatMessage(ChatRole.USER, "hi"),
                new ChatMessage(ChatRole.ASSISTANT, "hello"),
                new ChatMessage(ChatRole.USER, "bye")), "bye!");
        assertEquals("### System:\nBe brief.\n\n### User:\nhi\n\n### Assistant:\nhello\n\n### User:\nbye\n\n### Assistant:\n",
                t.prompt(chat));
    }

    @Test
    void placeholdersInTheDataStayAsTheyAre() {
        assertEquals("### Instruction:\nUse {input} and {x}.\n\n### Input:\n{instruction}\n\n### Response:\n",
                t.prompt(new AlpacaExample(AT, "Use {input} and {x}.", "{instruction}", "ok")));
        assertEquals("a{b}c{", PromptTemplate.fill("a{b}c{", Map.of("x", "y")));
        assertEquals("{Y}", PromptTemplate.fill("{{x}}", Map.of("x", "Y")));
    }

    @Test
    void aTemplateWithoutItsPlaceholdersIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PromptTemplate("Q: {prompt}\nA: ", PromptTemplate.INSTRUCTION_WITH_INPUT, PromptTemplate.CHAT_TURN));
        assertEquals("prompt template instruction 'Q: {prompt}\nA: ' has no {instruction}; fix: put {instruction} where "
                + "the example's text goes", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new PromptTemplate(PromptTemplate.INSTRUCTION, PromptTemplate.INSTRUCTION, PromptTemplate.CHAT_TURN));
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
                () -> new PromptTemplate(PromptTemplate.INSTRUCTION, PromptTemplate.INSTRUCTION_WITH_INPUT, "{content} ({role})"));
        assertTrue(order.getMessage().contains("{role} must come before {content}"), order.getMessage());
    }
}
