package ai.cpift.model.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A report as a list of blocks, rendered once as Markdown and once as a self-contained HTML page. */
final class ReportDoc {
    private sealed interface Block permits Heading, Paragraph, Table, Figure {
    }

    private record Heading(int level, String text) implements Block {
    }

    private record Paragraph(String text) implements Block {
    }

    private record Table(List<String> head, List<List<String>> rows) implements Block {
    }

    private record Figure(String file, String svg) implements Block {
    }

    private final List<Block> blocks = new ArrayList<>();

    void heading(int level, String text) {
        blocks.add(new Heading(level, text));
    }

    void paragraph(String text) {
        blocks.add(new Paragraph(text));
    }

    void table(List<String> head, List<List<String>> rows) {
        blocks.add(new Table(List.copyOf(head), rows.stream().map(List::copyOf).toList()));
    }

    /** Writes {@code report-<name>.svg} beside the report and shows it in both renderings. */
    void svg(Path dir, String name, String svg) throws IOException {
        String file = "report-" + name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".svg";
        Files.writeString(dir.resolve(file), svg, StandardCharsets.UTF_8);
        blocks.add(new Figure(file, svg));
    }

    String markdown() {
        StringBuilder s = new StringBuilder();
        for (Block b : blocks) {
            switch (b) {
                case Heading h -> s.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
                case Paragraph p -> s.append(p.text()).append("\n\n");
                case Table t -> {
                    s.append("| ").append(String.join(" | ", t.head())).append(" |\n|");
                    t.head().forEach(x -> s.append(" --- |"));
                    s.append('\n');
                    t.rows().forEach(r -> s.append("| ").append(String.join(" | ", r.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n"));
                    s.append('\n');
                }
                case Figure f -> s.append("![").append(f.file()).append("](").append(f.file()).append(")\n\n");
            }
        }
        return s.toString();
    }

    String html(String title) {
        StringBuilder s = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(Svg.esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                        + "td:first-child,th:first-child{text-align:left}</style></head><body>\n");
        for (Block b : blocks) {
            switch (b) {
                case Heading h -> s.append("<h").append(h.level()).append('>').append(Svg.esc(h.text())).append("</h").append(h.level()).append(">\n");
                case Paragraph p -> s.append("<p>").append(Svg.esc(p.text())).append("</p>\n");
                case Table t -> {
                    s.append("<table><tr>");
                    t.head().forEach(x -> s.append("<th>").append(Svg.esc(x)).append("</th>"));
                    s.append("</tr>\n");
                    for (List<String> r : t.rows()) {
                        s.append("<tr>");
                        r.forEach(c -> s.append("<td>").append(Svg.esc(c).replaceAll("\\*\\*(.*)\\*\\*", "<b>$1</b>")).append("</td>"));
                        s.append("</tr>\n");
                    }
                    s.append("</table>\n");
                }
                case Figure f -> s.append("<figure>").append(f.svg()).append("</figure>\n");
            }
        }
        return s.append("</body></html>\n").toString();
    }
}
