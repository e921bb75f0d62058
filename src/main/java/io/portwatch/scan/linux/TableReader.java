package io.portwatch.scan.linux;

import io.portwatch.scan.Protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the four socket tables ({@code tcp}, {@code tcp6}, {@code udp}, {@code udp6}) of one network namespace
 * into {@link SocketRows}, with a parser of its own: one reader per thread that reads tables. A missing
 * {@code tcp} is an error, a missing other table means no sockets of that kind (a kernel without IPv6).
 */
final class TableReader {

    private final Path procRoot;
    private final ProcNetParser parser = new ProcNetParser();

    TableReader(Path procRoot) {
        this.procRoot = procRoot;
    }

    /** The tables of the namespace whose {@code net} directory is {@code dir} ({@code /proc/net}). */
    void read(Path dir, SocketRows rows) throws IOException {
        readTable(dir, "tcp", Protocol.TCP, true, rows);
        readTable(dir, "tcp6", Protocol.TCP, false, rows);
        readTable(dir, "udp", Protocol.UDP, false, rows);
        readTable(dir, "udp6", Protocol.UDP, false, rows);
    }

    /**
     * The tables of another namespace through the first of its processes that is still there; nothing when
     * every one has exited (the namespace went with them). A malformed table is an error, as in the own namespace.
     * Its TCP tables are read only when its {@link SockStat} counters say they may hold a socket: each read of
     * one walks the TCP hash table the namespaces share, whatever the namespace holds.
     */
    void read(NetNamespaces.Group group, SocketRows rows) throws IOException {
        rows.namespace(group.namespace());
        for (int pid : group.pids()) {
            int before = rows.size();
            try {
                Path dir = procRoot.resolve(Integer.toString(pid)).resolve("net");
                SockStat counts = SockStat.read(dir);
                if (counts.mayHoldTcp()) {
                    readTable(dir, "tcp", Protocol.TCP, true, rows);
                }
                if (counts.mayHoldTcp6()) {
                    readTable(dir, "tcp6", Protocol.TCP, false, rows);
                }
                readTable(dir, "udp", Protocol.UDP, false, rows);
                readTable(dir, "udp6", Protocol.UDP, false, rows);
                return;
            } catch (IOException e) {
                if (e.getCause() instanceof IllegalArgumentException) {
                    throw e;
                }
                rows.truncate(before); // exited while its tables were read: try the next process
            }
        }
    }

    /** One table, {@code name} in {@code dir}; a missing one is an error when {@code required}, else no sockets. */
    void readTable(Path dir, String name, Protocol protocol, boolean required, SocketRows out)
            throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = new SeqFileInput(Files.newInputStream(file))) {
            parser.parse(protocol, in, out);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new IOException("cannot read socket table " + file + ": no such file", e);
            }
        } catch (IOException e) {
            throw new IOException("cannot read socket table " + file + ": " + reason(e), e);
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed socket table " + file + ", " + e.getMessage(), e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException) {
            String reason = ((FileSystemException) e).getReason();
            return reason != null ? reason : e.getClass().getSimpleName();
        }
        return String.valueOf(e.getMessage());
    }
}
