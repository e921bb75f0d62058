package io.portwatch.http;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@code com.sun.net.httpserver} context a handler written for the JDK's server (Jolokia's, the
 * metrics one) sees when Jetty runs it: its path and nothing else. Filters and authentication are
 * done before, by the {@link GuardHandler}; there is no JDK server behind it.
 */
final class SpiContext extends HttpContext {

    private final String path;
    private volatile HttpHandler handler;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final List<Filter> filters = new CopyOnWriteArrayList<>();

    SpiContext(String path, HttpHandler handler) {
        this.path = path;
        this.handler = handler;
    }

    @Override
    public HttpHandler getHandler() {
        return handler;
    }

    @Override
    public void setHandler(HttpHandler newHandler) {
        this.handler = newHandler;
    }

    @Override
    public String getPath() {
        return path;
    }

    @Override
    public HttpServer getServer() {
        return null;
    }

    @Override
    public Map<String, Object> getAttributes() {
        return attributes;
    }

    @Override
    public List<Filter> getFilters() {
        return filters;
    }

    @Override
    public Authenticator setAuthenticator(Authenticator auth) {
        return null;
    }

    @Override
    public Authenticator getAuthenticator() {
        return null;
    }
}
