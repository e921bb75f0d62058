package io.portwatch.jolokia;

import org.jolokia.server.core.restrictor.policy.PolicyRestrictor;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import javax.management.ObjectName;

/**
 * The bundled policy ({@code jolokia-access.xml} next to this class) plus the one rule its format
 * cannot say: list and search show only MBeans of the {@link #DOMAINS}, the domains whose
 * attributes the policy lets a client read. Listing an MBean shows its attribute and operation
 * names and descriptions, never a value.
 *
 * <p>The policy is read from this class's own resource, never looked up by name on the class path,
 * so neither the host application nor a missing file can replace it with Jolokia's allow-all default.
 */
final class PortwatchRestrictor extends PolicyRestrictor {

    static final String POLICY = "jolokia-access.xml";
    /** The domains whose MBeans a client may see and name; the policy file narrows what it may do with them. */
    static final Set<String> DOMAINS = Set.of("portwatch", "java.lang");

    private PortwatchRestrictor(InputStream policy) {
        super(policy);
    }

    /**
     * @throws IllegalStateException when the bundled policy is missing or invalid (a broken build)
     */
    static PortwatchRestrictor load() {
        try (InputStream in = PortwatchRestrictor.class.getResourceAsStream(POLICY)) {
            if (in == null) {
                throw new IllegalStateException("bundled Jolokia policy " + POLICY + " is missing");
            }
            return new PortwatchRestrictor(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled Jolokia policy " + POLICY + ": " + e, e);
        } catch (SecurityException e) {
            throw new IllegalStateException("bundled Jolokia policy " + POLICY + " is invalid: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isObjectNameHidden(ObjectName name) {
        return !DOMAINS.contains(name.getDomain()) || super.isObjectNameHidden(name);
    }
}
