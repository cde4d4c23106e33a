package ai.cpift.model.data;

import java.util.Map;

/**
 * How an example becomes prompt text; the response follows the prompt directly, then eos. The
 * defaults are Alpaca's section headers (Taori et al. 2023) without its one-sentence preamble
 * ("Below is an instruction that describes a task..."), which costs tokens on every example and
 * tells a fine-tuned model nothing the headers do not. All three shapes use the same
 * {@code ### Header:} convention, so that tasks given in different shapes meet the model in one
 * format when they are mixed (multi-task SFT, consolidation).
 *
 * <p>Placeholders are replaced in one pass, so text of an example that looks like a placeholder
 * stays as it is.
 *
 * @param instruction          for Alpaca examples with no input and for prompt/response examples (the prompt is
 *                             the instruction: the two shapes mean the same). Must contain {@code {instruction}}.
 *                             Default {@value #INSTRUCTION}.
 * @param instructionWithInput for Alpaca examples with a non-empty input. Must contain {@code {instruction}} and
 *                             {@code {input}}. Default {@value #INSTRUCTION_WITH_INPUT}. (An input of only
 *                             whitespace counts as none.)
 * @param chatTurn             one chat message; {@code {role}} becomes System, User or Assistant. The prompt of a chat
 *                             example is every message before the response rendered with it, then the part of it
 *                             before {@code {content}} for the Assistant (by default {@code "### Assistant:\n"}).
 *                             Must contain {@code {role}} and then {@code {content}}. Default {@value #CHAT_TURN}.
 */
public record PromptTemplate(String instruction, String instructionWithInput, String chatTurn) {
    public static final String INSTRUCTION = "### Instruction:\n{instruction}\n\n### Response:\n";
    public static final String INSTRUCTION_WITH_INPUT =
            "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n";
    public static final String CHAT_TURN = "### {role}:\n{content}\n\n";

    public PromptTemplate {
        require(instruction, "instruction", "{instruction}");
        require(instructionWithInput, "instructionWithInput", "{instruction}");
        require(instructionWithInput, "instructionWithInput", "{input}");
        require(chatTurn, "chatTurn", "{role}");
        require(chatTurn, "chatTurn", "{content}");
        if (chatTurn.indexOf("{content}") < chatTurn.indexOf("{role}")) {
            throw new IllegalArgumentException("prompt template chatTurn '" + chatTurn + "': {role} must come before "
                    + "{content}; fix: write the role header first, e.g. " + CHAT_TURN.replace("\n", "\\n"));
        }
    }

    public static PromptTemplate defaults() {
        return new PromptTemplate(INSTRUCTION, INSTRUCTION_WITH_INPUT, CHAT_TURN);
    }

    /** The prompt text of an example: everything before its response. */
    public String prompt(SftExample example) {
        return switch (example) {
            case PromptResponseExample p -> fill(instruction, Map.of("instruction", p.prompt()));
            case AlpacaExample a -> a.input().isBlank()
                    ? fill(instruction, Map.of("instruction", a.instruction()))
                    : fill(instructionWithInput, Map.of("instruction", a.instruction(), "input", a.input()));
            case ChatExample c -> {
                StringBuilder sb = new StringBuilder();
                for (ChatMessage m : c.context()) {
                    sb.append(fill(chatTurn, Map.of("role", m.role().displayName(), "content", m.content())));
                }
                String header = chatTurn.substring(0, chatTurn.indexOf("{content}"));
                yield sb.append(fill(header, Map.of("role", ChatRole.ASSISTANT.displayName()))).toString();
            }
        };
    }

    /** Replaces each {name} of {@code values} in one left-to-right pass; other braces stay. */
    static String fill(String template, Map<String, String> values) {
        StringBuilder sb = new StringBuilder(template.length() + 64);
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = open < 0 ? -1 : template.indexOf('}', open);
            String value = close < 0 ? null : values.get(template.substring(open + 1, close));
            if (value == null) {
                int to = open < 0 ? template.length() : open + 1;
                sb.append(template, i, to);
                i = to;
            } else {
                sb.append(template, i, open).append(value);
                i = close + 1;
            }
        }
        return sb.toString();
    }

    private static void require(String template, String name, String placeholder) {
        if (template == null || !template.contains(placeholder)) {
            throw new IllegalArgumentException("prompt template " + name + " '" + template + "' has no " + placeholder
                    + "; fix: put " + placeholder + " where the example's text goes");
        }
    }
}
