package io.portwatch.agent.tomcat.webapp;

import com.sun.jna.Library;
import com.sun.jna.Native;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * A web application's own use of JNA, for {@code WebappJnaIT}: copied into {@code WEB-INF/classes} with the JNA jar
 * in {@code WEB-INF/lib}, so that Tomcat's web application class loader loads both. Answers
 * {@code jna=<getpid()> loader=<the loader of JNA's Native class> from=<the jar JNA came from>}.
 */
public final class JnaServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The C library, through the web application's JNA. */
    public interface C extends Library {
        int getpid();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        C c = Native.load("c", C.class);
        response.setContentType("text/plain");
        response.getWriter().print("jna=" + c.getpid() + " loader=" + Native.class.getClassLoader().getClass().getSimpleName()
                + " from=" + java.nio.file.Path.of(Native.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .getFileName());
    }
}
