package io.portwatch.health;

import io.portwatch.scan.ScanOptions;
import io.portwatch.scan.linux.LinuxSocketSource;

/** Every test of {@link RealSocketHealthTest} with {@code namespaces=own}: portwatch's own network namespace only, as before issue 14. */
class RealSocketHealthOwnNamespaceTest extends RealSocketHealthTest {

    @Override
    LinuxSocketSource newSource() {
        return new LinuxSocketSource(new ScanOptions(false, true));
    }
}
