package io.portwatch.cli;

import io.portwatch.http.Credentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code hash-password}: reads a password (from the terminal without echo, or the first line of
 * standard input) and prints its bcrypt hash for {@code jolokia.password} / {@code prometheus.password}.
 */
@Command(name = "hash-password", mixinStandardHelpOptions = true,
        description = {"Reads a password and prints its bcrypt hash, for jolokia.password and prometheus.password.",
                "The password is read from the terminal without echo, or from the first line of standard input.",
                "Exit code: 0, or 2 when no password was given or it is longer than bcrypt reads (72 bytes)."})
final class HashPasswordCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String password;
        if (System.console() != null) {
            char[] typed = System.console().readPassword("password: ");
            password = typed == null ? null : new String(typed);
        } else {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            password = in.readLine();
        }
        if (password == null || password.isEmpty()) {
            err.println("hash-password: no password given");
            err.flush();
            return 2;
        }
        try {
            out.println(Credentials.hash(password));
        } catch (IllegalArgumentException e) {
            err.println("hash-password: " + e.getMessage());
            err.flush();
            return 2;
        }
        out.flush();
        return 0;
    }
}
