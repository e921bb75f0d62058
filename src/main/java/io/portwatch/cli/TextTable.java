package io.portwatch.cli;

/** The command line's name for {@link io.portwatch.text.TextTable}, which the report renderers share. */
final class TextTable extends io.portwatch.text.TextTable {

    TextTable(String... header) {
        super(header);
    }
}
