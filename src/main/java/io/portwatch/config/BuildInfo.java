package io.portwatch.config;

/** The version portwatch was built as. */
public final class BuildInfo {

    private BuildInfo() {
    }

    /** The jar manifest's Implementation-Version, {@code dev} when run from classes. */
    public static String version() {
        String v = BuildInfo.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
