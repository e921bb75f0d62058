package io.portwatch.agent;

import com.sun.tools.attach.VirtualMachine;
import io.portwatch.testing.Poll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reader choice ({@code scan.reader}) in real host JVMs on the built jar: netlink gives an agent the listener
 * backlogs without a child process; on JDK 24+ {@code auto} keeps the host's standard error free of JNA's
 * restricted-method warnings; an application's own JNA keeps working whatever the agent does with it.
 *
 * <p>Needs the netlink reader ({@code NetlinkTables}) to pass where netlink is expected: until it is built, every
 * netlink choice falls back to {@code /proc}.
 */
class SocketReaderIT {

    /** The second JDK the {@code jdk25} tests run on. */
    static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** A running {@link ReaderHostMain}: asked for its state line by line, its standard error in a file. */
    private static final class Host implements AutoCloseable {
        final Process process;
        final Path stderr;
        final String ready;
        private final BufferedReader out;
        private final OutputStream in;

        Host(Path java, List<String> jvmOptions, String classPath, List<String> args, Path stderr) throws IOException {
            List<String> command = new ArrayList<>(List.of(java.toString()));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", classPath, ReaderHostMain.class.getName()));
            command.addAll(args);
            this.stderr = stderr;
            this.process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = process.getOutputStream();
            String line = out.readLine();
            if (line == null || !line.startsWith("READY ")) {
                close();
                throw new AssertionError("host did not start: " + line + "\n" + Files.readString(stderr));
            }
            this.ready = line;
        }

        String state() throws IOException {
            in.write('\n');
            in.flush();
            String line = out.readLine();
            if (line == null) {
                throw new AssertionError("host ended: " + Files.readString(stderr));
            }
            return line;
        }

        /** The state once the agent has scanned at least once. */
        String scanned() throws Exception {
            String[] last = {""};
            return Poll.value(WAIT, () -> "the agent never scanned: " + last[0] + "\n" + err(), () -> {
                last[0] = state();
                return field(last[0], "scans").matches("[1-9][0-9]*") ? last[0] : null;
            });
        }

        String err() {
            try {
                return Files.readString(stderr);
            } catch (IOException e) {
                return e.toString();
            }
        }

        /** Ends the host by closing its standard input; its standard error is complete after this. */
        String finish() throws Exception {
            in.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("host did not end");
            }
            assertEquals(0, process.exitValue(), err());
            return err();
        }

        @Override
        public void close() throws IOException {
            in.close();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static String field(String state, String name) {
        return Arrays.stream(state.split(" ")).filter(f -> f.startsWith(name + "=")).map(f -> f.substring(name.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + state));
    }

    private static Path java(Path jdk) {
        return jdk.resolve("bin").resolve("java");
    }

    private static Path thisJdk() {
        return Path.of(System.getProperty("java.home"));
    }

    private static String testClasses() {
        return Path.of("target/test-classes").toAbsolutePath().toString();
    }

    /** Definitions without a warning: both files there, the listening file with {@code rows}. */
    private Path definitions(String listeningRows) throws IOException {
        Path defs = Files.createDirectories(dir.resolve("defs"));
        Files.writeString(defs.resolve("monitoredListeningPorts.csv"),
                "id,ipProtocol,localIP,localPort,procName,comment\n" + listeningRows);
        Files.writeString(defs.resolve("monitoredTcpConnects.csv"),
                "id,remoteIP,remotePort,procName,comment\n");
        return defs;
    }

    private String agentArgs(String reader, String listeningRows) throws IOException {
        return "definitions=" + definitions(listeningRows) + ",interval=1,prometheus.enabled=false,jolokia.enabled=false"
                + ",scan.reader=" + reader;
    }

    private static List<String> warnings(String stderr) {
        return stderr.lines().filter(l -> l.contains("WARNING")).collect(Collectors.toList());
    }

    /** The child processes of {@code pid} now, from {@code /proc/PID/task/TID/children}. */
    private static List<String> children(long pid) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String c = Files.readString(task.resolve("children")).trim();
                    if (!c.isEmpty()) {
                        out.add(task.getFileName() + ":" + c);
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    // the thread ended
                }
            }
        }
        return out;
    }

    @Test
    void aFullAcceptQueueTurnsTheRowYellowInAnAgentWithoutAChildProcess() throws Exception {
        int port = ChildJvm.freePort();
        String agent = "-javaagent:" + ChildJvm.jar() + "=" + agentArgs("auto",
                "backlog,tcp,127.0.0.1," + port + ",java,listen(1) and never accepts\n");
        List<SocketChannel> clients = new ArrayList<>();
        try (Host host = new Host(java(thisJdk()), List.of(agent), testClasses(), List.of("listen=" + port),
                dir.resolve("err.txt"))) {
            for (int i = 0; i < 4; i++) { // two fill the accept queue of listen(1), the rest wait for a SYN-ACK
                SocketChannel c = SocketChannel.open();
                c.configureBlocking(false);
                c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                clients.add(c);
            }
            String[] last = {""};
            String yellow = Poll.value(WAIT, () -> "the row never turned YELLOW: " + last[0] + "\n" + host.err(), () -> {
                last[0] = host.state();
                return field(last[0], "health").equals("YELLOW") ? last[0] : null;
            });
            assertTrue(field(yellow, "reason").contains("not_accepting"), yellow);
            assertEquals("netlink", field(yellow, "reader"), yellow);
            long pid = Long.parseLong(host.ready.split(" ")[1]);
            assertEquals(List.of(), children(pid), "portwatch started a process in the host");
            assertFalse(field(yellow, "threads").contains("process_reaper"),
                    "the JDK's process reaper runs: a child process was started: " + yellow);
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
    }

    private static String jnaJar(String version) {
        Path jar = Path.of("target", "jna", "jna-" + version + ".jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is missing: the pre-integration-test phase copies it");
        return jar.toString();
    }

    private void applicationWithItsOwnJna(String version) throws Exception {
        String classPath = testClasses() + java.io.File.pathSeparator + jnaJar(version);
        try (Host host = new Host(java(thisJdk()), List.of(), classPath, List.of("jna"), dir.resolve("err.txt"))) {
            long pid = Long.parseLong(host.ready.split(" ")[1]);
            assertEquals(Long.toString(pid), field(host.ready, "jna"), "the application's JNA before the agent");
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                vm.loadAgent(ChildJvm.jar().toString(), agentArgs("auto", ""));
            } finally {
                vm.detach();
            }
            String state = host.scanned();
            assertEquals(Long.toString(pid), field(state, "jna"), "the application's JNA after the agent: " + state);
            String reader = field(state, "reader");
            String err = host.finish();
            List<String> netlinkLines = err.lines().filter(l -> l.contains("netlink") && !l.contains(" started in pid "))
                    .collect(Collectors.toList());
            if (reader.equals("proc")) {
                assertEquals(1, netlinkLines.size(), "a fallback is one line: " + err);
            } else {
                assertEquals("netlink", reader, state);
                assertEquals(List.of(), netlinkLines, err);
            }
        }
    }

    @Test
    void anApplicationWithAnOlderJnaKeepsItsJnaAndTheAgentReadsNetlinkOrFallsBackInOneLine() throws Exception {
        applicationWithItsOwnJna("5.11.0");
    }

    @Test
    void anApplicationWithANewerJnaKeepsItsJnaAndTheAgentReadsNetlinkOrFallsBackInOneLine() throws Exception {
        applicationWithItsOwnJna("5.19.1");
    }

    /** The reader the agent chose on JDK 25 and the host's standard error (which has no warning). */
    private String[] readerOnJdk25(List<String> jvmOptions) throws Exception {
        assertTrue(Files.isExecutable(java(JDK25)), "the jdk25 tests need " + JDK25);
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-javaagent:" + ChildJvm.jar() + "=" + agentArgs("auto", ""));
        try (Host host = new Host(java(JDK25), options, testClasses(), List.of(), dir.resolve("err25.txt"))) {
            String reader = field(host.scanned(), "reader");
            String err = host.finish();
            assertEquals(List.of(), warnings(err), "the host's standard error");
            assertFalse(err.contains("restricted method"), err);
            return new String[] {reader, err};
        }
    }

    @Test
    @Tag("jdk25")
    void autoInAnAgentOnJdk25WithoutNativeAccessReadsProcAndPrintsNoWarning() throws Exception {
        String[] r = readerOnJdk25(List.of());
        assertEquals("proc", r[0], r[1]);
    }

    @Test
    @Tag("jdk25")
    void autoInAnAgentOnJdk25WithNativeAccessReadsNetlinkAndPrintsNoWarning() throws Exception {
        String[] r = readerOnJdk25(List.of("--enable-native-access=ALL-UNNAMED"));
        assertEquals("netlink", r[0], r[1]);
    }

    @Test
    void theJarGrantsJavaDashJarNativeAccess() throws Exception {
        try (JarFile jar = new JarFile(ChildJvm.jar().toFile())) {
            assertEquals("ALL-UNNAMED", jar.getManifest().getMainAttributes().getValue("Enable-Native-Access"));
        }
    }

    @Test
    @Tag("jdk25")
    void javaDashJarOnJdk25ReadingNetlinkPrintsNoRestrictedMethodWarning() throws Exception {
        assertTrue(Files.isExecutable(java(JDK25)), "the jdk25 tests need " + JDK25);
        Path err = dir.resolve("jar-err.txt");
        Path out = dir.resolve("jar-out.txt");
        Process p = new ProcessBuilder(java(JDK25).toString(), "-jar", ChildJvm.jar().toString(), "connections",
                "--scan.reader=netlink", "--namespaces=own").redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("connections did not finish");
        }
        String stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), stderr);
        assertFalse(stderr.contains("restricted method"), stderr);
        assertEquals(List.of(), warnings(stderr), stderr);
    }
}
