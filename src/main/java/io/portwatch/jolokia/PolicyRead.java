package io.portwatch.jolokia;

import org.jolokia.core.service.serializer.ValueFaultHandler;
import org.jolokia.server.core.request.JolokiaReadRequest;
import org.jolokia.server.core.request.JolokiaRequest;
import org.jolokia.server.core.service.api.JolokiaContext;
import org.jolokia.server.core.util.jmx.MBeanServerAccess;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.management.AttributeNotFoundException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.ObjectName;

/**
 * A read of several or all attributes, or of an MBean pattern, served in place of Jolokia's own
 * {@code ReadHandler}: that one fetches every attribute it resolves (one {@code getAttributes} call)
 * before it asks the policy, and refuses the whole read for one refused attribute. Here the MBean
 * names come first, then the policy, and only then the getters of allowed attributes:
 * <ul>
 *   <li>an attribute the request names and the policy refuses makes the whole read fail with
 *       {@link SecurityException} (403), as a read of that one attribute does;</li>
 *   <li>an attribute it does not name (a read of all attributes) is left out of the answer
 *       when the policy refuses it, so reading {@code java.lang:type=Runtime} whole works and
 *       shows no command line or system property;</li>
 *   <li>a pattern read skips the MBeans that lack the named attributes, as Jolokia's does.</li>
 * </ul>
 * The answer has the shape of Jolokia's: attribute to value, or for a pattern canonical MBean name
 * to (attribute to value), sorted by name. An attribute whose getter fails goes to the request's
 * fault handler ({@code ignoreErrors}): an error object in its place, or the whole read fails.
 * Single-attribute reads of one MBean stay with Jolokia, which asks the policy before the getter.
 */
final class PolicyRead {

    /** The provider of Jolokia's local MBean request handler; reads for another one are not served here. */
    private static final String LOCAL_PROVIDER = "jmx";

    private final JolokiaContext context;
    private final MBeanServerAccess mbeans;

    PolicyRead(JolokiaContext context) {
        this.context = context;
        this.mbeans = context.getMBeanServerAccess();
    }

    /** Whether {@code request} is a read this class serves: several or all attributes, or an MBean pattern. */
    static boolean serves(JolokiaRequest request) {
        return request instanceof JolokiaReadRequest read
                && (read.getProvider() == null || LOCAL_PROVIDER.equals(read.getProvider()))
                && (read.isMultiAttributeMode() || read.getObjectName().isPattern());
    }

    /**
     * @throws SecurityException          when the policy refuses the HTTP method or a named attribute
     * @throws InstanceNotFoundException  when no MBean has the name or matches the pattern
     * @throws AttributeNotFoundException when no MBean matching the pattern has a readable attribute asked for
     */
    Object read(JolokiaReadRequest request) throws IOException, JMException {
        if (!context.isHttpMethodAllowed(request.getHttpMethod())) {
            throw new SecurityException("HTTP method " + request.getHttpMethod().getMethod() + " is not allowed");
        }
        ObjectName name = request.getObjectName();
        List<String> named = request.isMultiAttributeMode() ? request.getAttributeNames() : List.of(request.getAttributeName());
        ValueFaultHandler faults = request.getValueFaultHandler();
        if (!name.isPattern()) {
            checkNamed(name, named);
            return values(name, named.isEmpty() ? allowed(name, readable(name)) : named, faults);
        }

        // every name and the policy for each first, so a refusal comes before any getter ran
        Map<ObjectName, List<String>> plan = new LinkedHashMap<>();
        Set<ObjectName> names = new TreeSet<>(mbeans.queryNames(name));
        if (names.isEmpty()) {
            throw new InstanceNotFoundException("No MBean with pattern " + name + " found for READ request");
        }
        for (ObjectName each : names) {
            List<String> readable;
            try {
                readable = readable(each);
            } catch (InstanceNotFoundException gone) {
                continue;
            }
            List<String> attributes;
            if (named.isEmpty()) {
                attributes = allowed(each, readable);
            } else {
                attributes = new ArrayList<>(named);
                attributes.retainAll(readable);
                checkNamed(each, attributes);
            }
            if (!attributes.isEmpty()) {
                plan.put(each, attributes);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        for (Map.Entry<ObjectName, List<String>> each : plan.entrySet()) {
            try {
                result.put(request.getOrderedObjectName(each.getKey()), values(each.getKey(), each.getValue(), faults));
            } catch (InstanceNotFoundException gone) {
                // unregistered in the meantime
            }
        }
        if (result.isEmpty()) {
            throw new AttributeNotFoundException("No attribute found for any MBean matching " + name + " pattern");
        }
        return result;
    }

    private void checkNamed(ObjectName name, List<String> attributes) {
        for (String attribute : attributes) {
            if (!context.isAttributeReadAllowed(name, attribute)) {
                throw new SecurityException("Reading attribute " + attribute + " is forbidden for MBean " + name.getCanonicalName());
            }
        }
    }

    private List<String> allowed(ObjectName name, List<String> attributes) {
        List<String> allowed = new ArrayList<>(attributes.size());
        for (String attribute : attributes) {
            if (context.isAttributeReadAllowed(name, attribute)) {
                allowed.add(attribute);
            }
        }
        return allowed;
    }

    private List<String> readable(ObjectName name) throws IOException, JMException {
        MBeanAttributeInfo[] infos = mbeans.call(name, (connection, mbean, args) -> connection.getMBeanInfo(mbean)).getAttributes();
        List<String> readable = new ArrayList<>(infos.length);
        for (MBeanAttributeInfo info : infos) {
            if (info.isReadable()) {
                readable.add(info.getName());
            }
        }
        return readable;
    }

    /** Each attribute's value, or what the fault handler makes of its failure. */
    private Map<String, Object> values(ObjectName name, List<String> attributes, ValueFaultHandler faults)
            throws IOException, JMException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String attribute : attributes) {
            Object value;
            try {
                value = mbeans.call(name, (connection, mbean, args) -> connection.getAttribute(mbean, attribute));
            } catch (JMException e) {
                value = faults.handleException(e);
            } catch (IOException e) {
                value = faults.handleException(e);
            } catch (RuntimeException e) {
                // the platform MXBeans wrap an unsupported attribute's exception; Jolokia reports the cause
                if (e.getCause() instanceof UnsupportedOperationException unsupported) {
                    value = faults.handleException(unsupported);
                } else {
                    value = faults.handleException(e);
                }
            }
            values.put(attribute, value);
        }
        return values;
    }
}
