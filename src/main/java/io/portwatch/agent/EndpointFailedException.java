package io.portwatch.agent;

/**
 * An enabled endpoint could not start (port in use, refused settings, an unusable TLS file) in portwatch's own
 * JVM, where that stops the start. The message is one line naming the endpoint, its address and the cause.
 */
public final class EndpointFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    EndpointFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
