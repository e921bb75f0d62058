package io.portwatch.cli;

/** The command line's name for {@link io.portwatch.text.Json}, which the report renderers share. */
final class Json {

    private Json() {
    }

    static String write(Object value) {
        return io.portwatch.text.Json.write(value);
    }
}
