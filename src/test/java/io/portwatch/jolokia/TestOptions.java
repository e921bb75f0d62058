package io.portwatch.jolokia;

import io.portwatch.http.EndpointOptions;

import java.util.function.UnaryOperator;

/** Jolokia options for the tests: plain loopback on a free port with the HTTP options changed as given. */
final class TestOptions {

    private TestOptions() {
    }

    static JolokiaOptions loopbackWith(UnaryOperator<EndpointOptions> change) {
        JolokiaOptions plain = JolokiaOptions.loopback(0);
        return new JolokiaOptions(change.apply(plain.http()), plain.maxBulkRequests());
    }
}
