package io.portwatch.scan.linux;

import io.portwatch.scan.ScanOptions;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Every test of {@link LinuxSocketSourceTest} with {@code namespaces=own}: portwatch's own network namespace only, as before issue 14. */
@EnabledOnOs(OS.LINUX)
class LinuxSocketSourceOwnNamespaceTest extends LinuxSocketSourceTest {

    @Override
    LinuxSocketSource newSource() {
        return new LinuxSocketSource(new ScanOptions(false, true));
    }
}
