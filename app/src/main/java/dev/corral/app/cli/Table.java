package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints JSON objects as an aligned text table of chosen fields, for people; {@code --json} is for programs. */
final class Table {
    private Table() {
    }

    static void print(PrintWriter out, JsonNode rows, String... fields) {
        List<String[]> cells = new ArrayList<>();
        cells.add(java.util.Arrays.stream(fields).map(String::toUpperCase).toArray(String[]::new));
        for (JsonNode row : rows) {
            String[] line = new String[fields.length];
            for (int i = 0; i < fields.length; i++) {
                JsonNode value = row.path(fields[i]);
                line[i] = value.isMissingNode() || value.isNull() ? "-"
                        : value.isArray() ? String.join(",", textsOf(value)) : value.asText();
            }
            cells.add(line);
        }
        int[] widths = new int[fields.length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            var text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(i == line.length - 1 ? line[i] : String.format("%-" + (widths[i] + 2) + "s", line[i]));
            }
            out.println(text.toString().stripTrailing());
        }
        out.flush();
    }

    private static List<String> textsOf(JsonNode array) {
        var texts = new ArrayList<String>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}
