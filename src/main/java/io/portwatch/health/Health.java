package io.portwatch.health;

/** Three-state health of a row (docs/design.md §3); the code is what metrics and MBeans carry. */
public enum Health {
    GREEN(0),
    YELLOW(1),
    RED(2);

    private final int code;

    Health(int code) {
        this.code = code;
    }

    /** 0, 1 or 2. */
    public int code() {
        return code;
    }

    /** The worse of two. */
    public Health worst(Health other) {
        return other.code > code ? other : this;
    }
}
