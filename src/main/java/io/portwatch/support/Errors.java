package io.portwatch.support;

/** Says what went wrong in one line of text, the same way everywhere: {@code NoSuchFileException: /etc/x.csv}. */
public final class Errors {

    private Errors() {
    }

    /** The exception's simple class name and, when it has one, its message; {@code unknown error} for null. */
    public static String text(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
