package io.portwatch.jolokia;

import java.io.IOException;

/**
 * Child process of {@link ShadedJolokiaIT}, run as
 * {@code java -cp target/portwatch.jar:target/test-classes io.portwatch.jolokia.ShadedJolokiaMain}:
 * registers {@code portwatch:type=ListeningPort,name=test} (Health 2) and
 * {@code portwatch:type=Agent}, starts the endpoint from the shaded jar on 127.0.0.1 port 0, prints
 * {@code URL <url>} and serves until its standard input closes. Touches no Jolokia class itself.
 */
public final class ShadedJolokiaMain {

    private ShadedJolokiaMain() {
    }

    public static void main(String[] args) throws Exception {
        try (TestMBeans mbeans = new TestMBeans()) {
            mbeans.register("portwatch:type=ListeningPort,name=test", new TestMBeans.ListeningPort(2));
            mbeans.register("portwatch:type=Agent", new TestMBeans.Agent());
            try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0))) {
                System.out.println("JOLOKIA " + JolokiaEndpoint.class.getClassLoader().loadClass(
                        "io.portwatch.shaded.jolokia.server.core.Version").getName());
                System.out.println("URL " + endpoint.url());
                System.out.flush();
                waitForEndOfInput();
            }
        }
    }

    private static void waitForEndOfInput() throws IOException {
        while (System.in.read() >= 0) {
            // the parent closes our input when it is done
        }
    }
}
