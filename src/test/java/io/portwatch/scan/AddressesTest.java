package io.portwatch.scan;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AddressesTest {

    @Test
    void literalsOfBothFamiliesParse() throws Exception {
        assertEquals(InetAddress.getByName("10.1.2.3"), Addresses.parseLiteral("10.1.2.3"));
        assertEquals(InetAddress.getByName("::1"), Addresses.parseLiteral("[::1]"));
        assertEquals("fe80::1%1", Addresses.format(Addresses.parseLiteral("fe80::1%1")));
    }

    /**
     * Found by fuzzing: InetAddress.getByName takes Unicode digits and a leading dot for a host name and asks
     * DNS, so a definitions file could make the loader send queries. Only ASCII literals are addresses.
     */
    @Test
    void whatOnlyLooksLikeALiteralIsRefusedWithoutALookup() {
        for (String text : List.of("١.٢.٣.٤", "１.２.３.４", ".::1", "::１", "1.2.3.4x", "::1%zo ne")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Addresses.parseLiteral(text));
            assertEquals("expecting an IPv4 or IPv6 address (found \"" + text + "\")", e.getMessage());
            assertEquals(null, e.getCause(), "a lookup was tried for " + text);
        }
    }
}
