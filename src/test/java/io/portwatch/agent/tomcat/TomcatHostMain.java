package io.portwatch.agent.tomcat;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * An embedded Tomcat for {@code WebappJnaIT}, run in a child JVM whose class path holds Tomcat and this class only:
 * argument 1 is a web application directory (its {@code WEB-INF/lib} has its own JNA), argument 2 a work directory.
 * Serves it as {@code /app} on a loopback port, prints {@code READY <pid> <port>}, then answers each line of standard
 * input with {@code STATE reader=<the Agent MBean's SocketReader or ABSENT> scans=<ScanCount>}. Ends when its
 * standard input closes.
 */
public final class TomcatHostMain {

    private TomcatHostMain() {
    }

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(args[1]);
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context app = tomcat.addContext("/app", Path.of(args[0]).toAbsolutePath().toString()); // a loader of its own
        Tomcat.addServlet(app, "jna", "io.portwatch.agent.tomcat.webapp.JnaServlet").addMapping("/jna");
        tomcat.start();
        System.out.println("READY " + ProcessHandle.current().pid() + " " + connector.getLocalPort());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName agent = new ObjectName("portwatch:type=Agent");
        while (in.readLine() != null) {
            System.out.println(mbs.isRegistered(agent)
                    ? "STATE reader=" + mbs.getAttribute(agent, "SocketReader") + " scans=" + mbs.getAttribute(agent, "ScanCount")
                    : "STATE reader=ABSENT scans=0");
            System.out.flush();
        }
        tomcat.stop();
        tomcat.destroy();
    }
}
