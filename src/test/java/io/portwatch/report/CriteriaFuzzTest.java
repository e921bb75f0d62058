package io.portwatch.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.portwatch.fuzz.Fuzzing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Fuzzes the criteria files of {@code report --criteria=FILE} (issue #11, item 8):
 * {@link Criteria.Builder#addFile}, then every check of the criteria read against a row.
 *
 * <p>The reader's contract for bad input: {@code addFile} either returns or throws
 * {@link IllegalArgumentException} naming {@code file:line:} (the command prints it and exits 2), or
 * {@link IOException} naming the file (exits 3). Criteria that were read match any row without an exception.
 * Any other exception, a hang (a glob that takes exponential time to match, say) or running out of the small
 * heap CI gives the fuzzing JVM is a finding; so is a DNS lookup while parsing an address (the fuzzing JVMs
 * resolve through a hosts file that does not exist, {@code jdk.net.hosts.file}, so a lookup fails at once with an
 * {@link UnknownHostException} saying so, which {@code Cidr} keeps as the cause).
 *
 * <p>Input: the criteria file and, after the first line {@code --8<--}, the fields of the row to check, one a
 * line: process, user, exePath, remote address, module path, remote port. Seeds:
 * {@code CriteriaFuzzTestInputs/addFile/}.
 *
 * <p>Globs are not limited: {@link io.portwatch.config.Glob} matches names and paths in linear-ish time
 * (as a regular expression, {@code process=*a*a*a*a*b} against a hundred {@code a} took seconds; seed
 * {@code name-glob-with-stars} keeps that case).
 */
class CriteriaFuzzTest {

    private static final byte[] SPLIT = "\n--8<--\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;

    private static long inputs;

    @AfterAll
    static void fuzzedWhenAsked() {
        Fuzzing.assertRan(CriteriaFuzzTest.class, inputs);
    }

    @FuzzTest(maxDuration = "30s")
    void addFile(byte[] input) throws IOException {
        inputs++;
        int split = indexOf(input, SPLIT);
        byte[] text = split < 0 ? input : Arrays.copyOfRange(input, 0, split);
        Path file = Files.write(dir.resolve("criteria.txt"), text);
        String[] fields = split < 0 ? new String[0]
                : new String(input, split + SPLIT.length, input.length - split - SPLIT.length, StandardCharsets.UTF_8)
                        .split("\n", -1);

        Criteria criteria;
        try {
            criteria = Criteria.builder().addFile(file).build();
        } catch (IllegalArgumentException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(isLookup(t), () -> "an address criterion made a DNS lookup: " + e);
            }
            String message = e.getMessage();
            assertTrue(message != null && Pattern.compile(Pattern.quote(file.toString()) + ":[1-9][0-9]*: .+", Pattern.DOTALL)
                    .matcher(message).matches(), () -> "a bad line is named as file:line:, found: " + message);
            return;
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(file.toString()),
                    () -> "a file that cannot be read is named in the message, found: " + e.getMessage());
            return;
        }

        ReportRowBuilder r = new ReportRowBuilder();
        r.process = field(fields, 0, "sshd");
        r.user = field(fields, 1, "root");
        r.exePath = field(fields, 2, "/usr/local/sbin/sshd");
        r.remoteAddress = field(fields, 3, "10.1.2.3");
        String module = field(fields, 4, "/usr/lib/x86_64-linux-gnu/libpcap.so.1.10.3");
        r.remotePort = HistoryReader.parseInt(field(fields, 5, "22"), 0);
        r.localPort = 40000;
        r.time = "2026-11-20T08:05:00.000Z";
        ReportRow row = r.build();

        List<String> described = criteria.describe();
        assertTrue(described.size() >= (criteria.isEmpty() ? 0 : 1), "every criterion is described");
        criteria.check(row, criteria.matchModule(List.of(module, row.exePath())));
        criteria.flagsPort(row.remotePort());
        criteria.flagsProcess(row.process());
        criteria.flagsUser(row.user());
        criteria.flagsRemote(row.remoteAddress());
    }

    /**
     * The failure of a lookup through the empty hosts file of the fuzzing JVMs ("Unable to resolve host X as hosts
     * file F not found"); an address the JDK rejects as a literal is an UnknownHostException too, but no lookup.
     */
    static boolean isLookup(Throwable t) {
        return t instanceof UnknownHostException && t.getMessage() != null && t.getMessage().contains("hosts file");
    }

    private static String field(String[] fields, int i, String otherwise) {
        return i < fields.length ? fields[i] : otherwise;
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
