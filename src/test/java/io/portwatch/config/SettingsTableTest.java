package io.portwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The settings table of docs/settings.md is the catalogue, rendered; this test keeps them equal. */
class SettingsTableTest {

    /** The page holding the table, relative to the project root. */
    static final Path TABLE_FILE = Path.of("docs", "settings.md");
    static final String BEGIN = "<!-- settings-table:begin (generated from SettingKey; SettingsTableTest checks it) -->";
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
    void settingsTableMatchesTheCatalogue() throws IOException {
        String page = Files.readString(Path.of(System.getProperty("basedir", ".")).resolve(TABLE_FILE),
                StandardCharsets.UTF_8);
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        String actual = begin < 0 || end < begin ? "(markers missing)" : page.substring(begin + BEGIN.length() + 1, end);
        assertEquals(render(), actual, TABLE_FILE + " settings table differs from SettingKey; paste the expected text"
                + " between the markers");
    }

    /** The page says how a key becomes its environment variable; every key follows that rule. */
    @Test
    void environmentVariableIsPortwatchAndTheKeyUpperCasedWithDotsAsUnderscores() {
        for (SettingKey k : SettingKey.values()) {
            assertEquals("PORTWATCH_" + k.key().toUpperCase(Locale.ROOT).replace('.', '_'), k.environmentVariable(),
                    k.key());
        }
    }
}
