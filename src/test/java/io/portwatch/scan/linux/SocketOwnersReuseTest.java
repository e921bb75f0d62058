package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The owner cache of {@link LinuxSocketSource} ({@link SocketOwners}) against real processes that open,
 * close, share and pass listening sockets on loopback while one source keeps scanning.
 *
 * <p>The processes are small {@code python3} programs that obey one command per line on stdin and
 * answer one line: they place sockets at a chosen fd number and put {@code /dev/null} where a socket
 * was, so that their fd count stays the same and only the cache's other rules can notice a change.
 * They exit when their stdin closes, and each is also stopped by its pid after the test.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SocketOwnersReuseTest {

    /** Where the sockets go in each child; high enough to be free, the same number in both. */
    private static final int FD = 100;
    private static final int SECOND_FD = 101;

    private static final String CHILD = String.join("\n",
            "import os, socket, subprocess, sys",
            "def put(fd, newfd):",
            "    os.dup2(newfd, fd)",   // atomically replaces whatever was at fd, closing it
            "    os.close(newfd)",
            "def devnull(fd):",
            "    put(fd, os.open('/dev/null', os.O_RDONLY))",
            "devnull(" + FD + ")",
            "devnull(" + SECOND_FD + ")",
            "holder = None",
            "server = None",
            "print('ready', os.getpid(), flush=True)",
            "for line in sys.stdin:",
            "    cmd, *a = line.split()",
            "    out = 'ok'",
            "    if cmd == 'listen':",           // listen PORT FD: a listener on 127.0.0.1:PORT at fd FD
            "        s = socket.socket()",
            "        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "        s.bind(('127.0.0.1', int(a[0])))",
            "        s.listen(8)",
            "        out = 'ok %d %d' % (s.getsockname()[1], os.fstat(s.fileno()).st_ino)",
            "        put(int(a[1]), s.detach())",
            "    elif cmd == 'close':",           // close FD: the socket at FD closes, /dev/null takes its number
            "        devnull(int(a[0]))",
            "    elif cmd == 'spawn':",           // spawn FD: a child process that inherits FD and waits for EOF
            "        holder = subprocess.Popen([sys.executable, '-c', 'import sys; sys.stdin.read()'],"
                    + " stdin=subprocess.PIPE, pass_fds=(int(a[0]),))",
            "        out = 'ok %d' % holder.pid",
            "    elif cmd == 'serve':",           // serve NAME: an abstract unix socket to receive fds on
            "        server = socket.socket(socket.AF_UNIX)",
            "        server.bind('\\0' + a[0])",
            "        server.listen(1)",
            "    elif cmd == 'send':",            // send NAME FD: pass FD to the process serving NAME
            "        c = socket.socket(socket.AF_UNIX)",
            "        c.connect('\\0' + a[0])",
            "        socket.send_fds(c, [b'x'], [int(a[1])])",
            "        c.close()",
            "    elif cmd == 'receive':",         // receive FD: accept one passed fd and put it at FD
            "        c, _ = server.accept()",
            "        _, fds, _, _ = socket.recv_fds(c, 1, 1)",
            "        put(int(a[0]), fds[0])",
            "        c.close()",
            "    elif cmd == 'count':",
            "        out = 'ok %d' % len(os.listdir('/proc/self/fd'))",
            "    print(out, flush=True)",
            "if holder:",
            "    holder.stdin.close()",
            "    holder.wait(10)");

    private final LinuxSocketSource source = newSource();

    /** The source under test: every namespace (the default); {@code namespaces=own} in the subclass. */
    LinuxSocketSource newSource() {
        return new LinuxSocketSource();
    }
    private final List<Child> children = new ArrayList<>();

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Child child : children) {
            child.stop();
        }
    }

    @Test
    void socketClosedAndItsFdNumberReusedBySocketOfAnotherProcessIsOwnedByThatProcess() throws Exception {
        Child a = start();
        Child b = start();
        int port = a.listen(0, FD);
        assertEquals(a.pid, listenerOwner(port));
        int countA = a.count();
        int countB = b.count();

        for (int round = 0; round < 3; round++) {
            a.send("close " + FD);
            b.listen(port, FD); // same port, same fd number, other process
            assertEquals(b.pid, listenerOwner(port), "round " + round + ": the new listener belongs to the second process");

            b.send("close " + FD);
            a.listen(port, FD);
            assertEquals(a.pid, listenerOwner(port), "round " + round + ": and back to the first");
        }
        assertEquals(countA, a.count(), "fd counts stayed the same, so only the inode told the change");
        assertEquals(countB, b.count());
    }

    @Test
    void socketClosedAndItsFdNumberReusedBySocketOfTheSameProcessIsNotTakenForTheOldOne() throws Exception {
        Child a = start();
        int first = a.listen(0, FD);
        assertEquals(a.pid, listenerOwner(first));

        a.send("close " + FD);
        int second = a.listen(0, FD);
        Snapshot snapshot = source.scan();

        assertEquals(List.of(), listeners(snapshot, first), "the first listener is gone");
        assertEquals(a.pid, only(listeners(snapshot, second)).pid());
    }

    @Test
    void sharedSocketDroppedByItsLowestPidHolderGoesToTheProcessStillHoldingIt() throws Exception {
        Child a = start();
        int port = a.listen(0, FD);
        int holder = Integer.parseInt(a.send("spawn " + FD).split(" ")[1]);
        assertTrue(holder > a.pid, "pids wrapped around between the two processes (pid_max reached): the premise needs"
                + " the first to be lower; run again");
        assertEquals(a.pid, listenerOwner(port));

        a.send("close " + FD); // its count stays the same; only the shared socket's link changed
        assertEquals(holder, listenerOwner(port));
    }

    @Test
    void socketPassedToAnotherProcessWithBothFdCountsUnchangedIsReattributedWithinTheRefreshRotation() throws Exception {
        Child a = start();
        Child b = start();
        String name = "portwatch-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        b.send("serve " + name);
        int port = a.listen(0, FD);
        assertEquals(a.pid, listenerOwner(port));

        a.send("send " + name + " " + FD);
        b.send("receive " + SECOND_FD);
        a.send("close " + FD);
        // both counts are the same as before: neither the count nor an unknown inode tells, so the
        // stale owner lasts until the rotation walks the first process again, at most REFRESH_SCANS scans
        int scans = 1;
        while (listenerOwner(port) != b.pid) {
            assertTrue(++scans <= SocketOwners.REFRESH_SCANS, "still the first process after " + scans + " scans");
        }
    }

    // ---------------------------------------------------------------- helpers

    private int listenerOwner(int port) throws IOException {
        return only(listeners(source.scan(), port)).pid();
    }

    private static List<SocketEntry> listeners(Snapshot snapshot, int port) {
        return snapshot.sockets().stream()
                .filter(s -> s.localPort() == port && s.state() == SocketState.LISTEN)
                .collect(Collectors.toList());
    }

    private static SocketEntry only(List<SocketEntry> found) {
        if (found.size() != 1) {
            fail("expected one listener, found " + found);
        }
        return found.get(0);
    }

    private Child start() throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process process = new ProcessBuilder(python, "-c", CHILD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Child child = new Child(process);
        children.add(child);
        String ready = child.readLine();
        assertTrue(ready.startsWith("ready "), ready);
        assertEquals(process.pid(), Long.parseLong(ready.split(" ")[1]));
        return child;
    }

    /** One child process, spoken to over its stdin and stdout. */
    private static final class Child {
        final Process process;
        final int pid;
        final Writer in;
        final BufferedReader out;

        Child(Process process) {
            this.process = process;
            this.pid = (int) process.pid();
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Sends one command and returns its answer, which must start with {@code ok}. */
        String send(String command) throws Exception {
            in.write(command + "\n");
            in.flush();
            String answer = readLine();
            assertTrue(answer.startsWith("ok"), command + ": " + answer);
            return answer;
        }

        /** A listener on 127.0.0.1:port (0 for any) at fd {@code fd}; returns its port. */
        int listen(int port, int fd) throws Exception {
            return Integer.parseInt(send("listen " + port + " " + fd).split(" ")[1]);
        }

        int count() throws Exception {
            return Integer.parseInt(send("count").split(" ")[1]);
        }

        String readLine() throws InterruptedException, ExecutionException {
            try {
                String line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        return "read failed: " + e;
                    }
                }).get(20, TimeUnit.SECONDS);
                return line == null ? "(child exited)" : line;
            } catch (TimeoutException e) {
                return "(no answer within 20 s)";
            }
        }

        void stop() throws InterruptedException {
            try {
                in.close(); // it exits at the end of its input, and stops its own holder child
            } catch (IOException e) {
                // already gone
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly(); // by its pid, through its Process handle
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
