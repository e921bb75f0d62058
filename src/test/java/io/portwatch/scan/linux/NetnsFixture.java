package io.portwatch.scan.linux;

import io.portwatch.testing.Poll;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces and processes a test creates ({@code ip netns add}, {@code ip netns exec ... python3}) and
 * removes again when closed, also when the test failed: every process it started is killed by its pid, then
 * every namespace and veth pair it added is deleted. Needs root (CI runs as root) and {@code ip} (iproute2) and
 * {@code python3}, both in {@code bin/test}'s package list.
 */
public final class NetnsFixture implements AutoCloseable {

    /**
     * The child: {@code listen HOST PORT} binds, prints its port and accepts (holding every connection);
     * {@code connect HOST PORT} connects and prints its local port. Both run until their stdin closes, so that
     * they end with the JVM that started them even if it is killed.
     */
    private static final String CHILD = String.join("\n",
            "import socket, sys, threading",
            "mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])",
            "held = []",
            "if mode == 'listen':",
            "    s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET)",
            "    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "    s.bind((host, port)); s.listen(16)",
            "    def serve():",
            "        while True:",
            "            c, _ = s.accept(); held.append(c)",
            "    threading.Thread(target=serve, daemon=True).start()",
            "    print(s.getsockname()[1], flush=True)",
            "elif mode == 'udp':",
            "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((host, port))",
            "    print(s.getsockname()[1], flush=True)",
            "else:",
            "    s = socket.create_connection((host, port))",
            "    print(s.getsockname()[1], flush=True)",
            "sys.stdin.read()");

    /**
     * A TCP listener on 127.0.0.1 that then becomes a copy of {@code /bin/sleep} at {@code DIR/NAME} (NAME given as
     * hex bytes, any byte but NUL and {@code /}), run with {@code argv = [NAME, 600]}: so that process name
     * ({@code comm}), executable path and command line all hold the bytes of NAME. The listening socket is inherited
     * across the {@code exec}.
     */
    private static final String RENAMED = String.join("\n",
            "import os, shutil, socket, sys",
            "name = bytes.fromhex(sys.argv[2])",
            "path = os.fsencode(sys.argv[1]) + b'/' + name",
            "shutil.copyfile('/bin/sleep', path); os.chmod(path, 0o755)",
            "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(4); s.set_inheritable(True)",
            "print(s.getsockname()[1], flush=True)",
            "os.execv(path, [name, b'600'])");

    /**
     * A TCP client that writes: {@code write HOST PORT BYTES MILLIS} connects, prints its local port, then sends
     * BYTES every MILLIS ms without ever blocking (what does not fit the send buffer waits), until its stdin closes.
     * {@code drain HOST PORT} listens, prints its port, accepts and reads everything of every connection.
     */
    private static final String TRAFFIC = String.join("\n",
            "import select, socket, sys, threading, time",
            "mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])",
            "threading.Thread(target=lambda: (sys.stdin.read(), __import__('os')._exit(0)), daemon=True).start()",
            "if mode == 'drain':",
            "    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "    s.bind((host, port)); s.listen(16)",
            "    print(s.getsockname()[1], flush=True)",
            "    def drain(c):",
            "        while c.recv(65536): pass",
            "    while True:",
            "        c, _ = s.accept(); threading.Thread(target=drain, args=(c,), daemon=True).start()",
            "else:",
            "    size, every = int(sys.argv[4]), int(sys.argv[5]) / 1000.0",
            "    c = socket.create_connection((host, port)); c.setblocking(False)",
            "    print(c.getsockname()[1], flush=True)",
            "    data = b'x' * size",
            "    while True:",
            "        try: c.send(data)",
            "        except BlockingIOError: pass",
            "        time.sleep(every)");

    private final Deque<Process> processes = new ArrayDeque<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<String[]> links = new ArrayList<>();

    /** The namespaces this fixture added, to run a process of the test's own in one. */
    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    /** A new namespace with its loopback up; its name starts with {@code pwt-}, unique on the host. */
    public String namespace() throws IOException, InterruptedException {
        return namespace("pwt-");
    }

    /**
     * A new namespace with its loopback up, named {@code prefix} and 8 hex digits; {@code ip netns} takes any
     * character but {@code /} and NUL, control characters too.
     */
    public String namespace(String prefix) throws IOException, InterruptedException {
        String name = prefix + UUID.randomUUID().toString().substring(0, 8);
        run("ip", "netns", "add", name);
        namespaces.add(name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /**
     * A veth pair between two namespaces of this fixture, {@code addressA}/24 on a's side and {@code addressB}/24
     * on b's, both up.
     */
    public String[] veth(String a, String addressA, String b, String addressB) throws IOException, InterruptedException {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String ifA = "pwa" + suffix;
        String ifB = "pwb" + suffix;
        run("ip", "link", "add", ifA, "netns", a, "type", "veth", "peer", "name", ifB, "netns", b);
        links.add(new String[] {a, ifA});
        run("ip", "-n", a, "addr", "add", addressA + "/24", "dev", ifA);
        run("ip", "-n", b, "addr", "add", addressB + "/24", "dev", ifB);
        run("ip", "-n", a, "link", "set", ifA, "up");
        run("ip", "-n", b, "link", "set", ifB, "up");
        return new String[] {ifA, ifB};
    }

    /** Runs a command (such as {@code ip} or {@code tc} on this fixture's namespaces) to its end; fails on failure. */
    public void command(String... command) throws IOException, InterruptedException {
        run(command);
    }

    /** A TCP client in {@code namespace} that sends {@code bytes} every {@code millis} ms; its port is its own. */
    public Child writer(String namespace, String host, int port, int bytes, int millis) throws IOException {
        return start(List.of("ip", "netns", "exec", namespace), List.of("python3", "-c", TRAFFIC, "write", host,
                Integer.toString(port), Integer.toString(bytes), Integer.toString(millis)), "write " + host + " " + port);
    }

    /** A TCP listener in {@code namespace} that reads everything every client sends. */
    public Child drain(String namespace, String host, int port) throws IOException {
        return start(List.of("ip", "netns", "exec", namespace), List.of("python3", "-c", TRAFFIC, "drain", host,
                Integer.toString(port)), "drain " + host + " " + port);
    }

    /** A TCP listener in {@code namespace} (null: this JVM's namespace); returns the process and its port. */
    public Child listen(String namespace, String host, int port) throws IOException {
        return start(namespace, "listen", host, port);
    }

    /**
     * A TCP listener in a namespace of its own that no {@code ip netns} name refers to ({@code unshare --net}),
     * removed with the process.
     */
    public Child unshared(String host, int port) throws IOException {
        return start(List.of("unshare", "--net", "--"), "listen", host, port);
    }

    /** A bound UDP socket in {@code namespace}; returns the process and its port. */
    public Child udp(String namespace, String host, int port) throws IOException {
        return start(namespace, "udp", host, port);
    }

    /** A TCP client in {@code namespace} connected to host:port; returns the process and its local port. */
    public Child connect(String namespace, String host, int port) throws IOException {
        return start(namespace, "connect", host, port);
    }

    /**
     * A process listening on 127.0.0.1 whose name, executable ({@code dir/NAME}) and command line
     * ({@code NAME 600}) hold the bytes {@code fileName}: a copy of {@code /bin/sleep} that inherited the socket
     * (see {@link #RENAMED}). Returns once the {@code exec} is done.
     */
    public Child renamedListener(Path dir, byte[] fileName) throws Exception {
        Child child = start(List.of(), List.of("python3", "-c", RENAMED, dir.toString(), HexFormat.of().formatHex(fileName)),
                "renamed listener");
        Path exe = Path.of("/proc", Long.toString(child.pid()), "exe");
        Poll.until(Duration.ofSeconds(30), "pid " + child.pid() + " execs " + dir + "/<" + fileName.length + " bytes>",
                () -> Files.readSymbolicLink(exe).startsWith(dir));
        return child;
    }

    /** A child process and the port it printed. */
    public record Child(Process process, int port) {
        public long pid() {
            return process.pid();
        }
    }

    private Child start(String namespace, String mode, String host, int port) throws IOException {
        return start(namespace == null ? List.of() : List.of("ip", "netns", "exec", namespace), mode, host, port);
    }

    private Child start(List<String> prefix, String mode, String host, int port) throws IOException {
        return start(prefix, List.of("python3", "-c", CHILD, mode, host, Integer.toString(port)),
                mode + " " + host + " " + port);
    }

    private Child start(List<String> prefix, List<String> python, String what) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(python);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.push(p);
        // ip netns exec and unshare exec the command: the pid is python's
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String line = out.readLine(); // the child prints its port once its socket is there, or exits (null)
        if (line == null) {
            throw new IOException("child " + prefix + " " + what + " exited without a port");
        }
        return new Child(p, Integer.parseInt(line.strip()));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
    }

    private static boolean waitFor(Process p) {
        try {
            return p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        List<String> failures = new ArrayList<>();
        boolean interrupted = Thread.interrupted(); // clean up all the same, then interrupt again
        while (!processes.isEmpty()) {
            Process p = processes.pop();
            p.destroyForcibly(); // by its own pid
            if (!waitFor(p)) {
                failures.add("pid " + p.pid() + " did not exit");
            }
        }
        for (String[] link : links) {
            try {
                run("ip", "-n", link[0], "link", "del", link[1]);
            } catch (IOException | InterruptedException e) {
                // gone with its namespace
            }
        }
        for (String ns : namespaces) {
            try {
                run("ip", "netns", "del", ns);
            } catch (IOException | InterruptedException e) {
                failures.add(e.getMessage());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        namespaces.clear();
        links.clear();
        if (!failures.isEmpty()) {
            throw new IOException("cleaning up: " + failures);
        }
    }
}
