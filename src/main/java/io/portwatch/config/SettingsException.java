package io.portwatch.config;

import java.util.List;

/** Settings that cannot be used; the message lists every problem, one per line. */
public final class SettingsException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public SettingsException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, e.g. {@code interval: expecting a whole number of seconds 1-86400 (found "0") (--interval)}. */
    public List<String> problems() {
        return problems;
    }
}
