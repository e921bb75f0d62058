package io.portwatch.cli;

import io.portwatch.config.BuildInfo;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}. */
public final class Version implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"portwatch " + BuildInfo.version(), "Java " + System.getProperty("java.version")};
    }
}
