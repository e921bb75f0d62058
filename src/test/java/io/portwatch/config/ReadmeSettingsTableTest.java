package io.portwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The README's settings table is the catalogue, rendered; this test keeps them equal. */
class ReadmeSettingsTableTest {

    static final String BEGIN = "<!-- settings-table:begin (generated from SettingKey; ReadmeSettingsTableTest checks it) -->";
    static final String END = "<!-- settings-table:end -->";

    static String render() {
        StringBuilder out = new StringBuilder("| key | default | environment | meaning |\n|---|---|---|---|\n");
        for (SettingKey k : SettingKey.values()) {
            out.append("| `").append(k.key()).append("` | ")
                    .append(k.defaultValue().isEmpty() ? "" : "`" + k.defaultValue() + "`").append(" | `")
                    .append(k.environmentVariable()).append("` | ").append(k.description().replace("|", "\\|"))
                    .append(" |\n");
        }
        return out.toString();
    }

    @Test
    void readmeSettingsTableMatchesTheCatalogue() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        String actual = begin < 0 || end < begin ? "(markers missing)" : readme.substring(begin + BEGIN.length() + 1, end);
        assertEquals(render(), actual, "README.md settings table differs from SettingKey; paste the expected text between "
                + "the markers");
    }
}
