package io.portwatch.cli;

import com.sun.tools.attach.VirtualMachine;
import io.portwatch.agent.PortwatchAgent;
import io.portwatch.config.Settings;
import io.portwatch.config.SettingsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code attach PID}: loads this jar as an agent into a running JVM (agentmain). */
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = {"Loads portwatch into a running JVM (dynamic attach).",
                "Settings given as --key=value are checked here, then passed as agent arguments."})
final class AttachCommand extends SettingsOptions {

    @Parameters(index = "0", paramLabel = "PID", description = "Process id of the target JVM.")
    long pid;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> arguments;
        try {
            settings(); // every problem is reported here, before touching the target
            arguments = Settings.parseCommandLine(settingArguments);
            if (definitions != null) {
                arguments.put("definitions", definitions);
            }
        } catch (SettingsException e) {
            e.problems().forEach(err::println);
            err.flush();
            return 2;
        }
        // the target resolves relative paths against its own working directory: make them absolute here
        arguments.computeIfPresent("definitions", (k, v) -> Path.of(v).toAbsolutePath().toString());
        arguments.computeIfPresent("config", (k, v) -> Path.of(v).toAbsolutePath().toString());
        arguments.computeIfPresent("history.dir", (k, v) -> Path.of(v).toAbsolutePath().toString());
        arguments.putIfAbsent("definitions", Path.of("config").toAbsolutePath().toString());
        String agentArgs = arguments.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        try {
            String jar = Path.of(PortwatchAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                vm.loadAgent(jar, agentArgs);
            } finally {
                vm.detach();
            }
            out.println("portwatch loaded into pid " + pid + (agentArgs.isEmpty() ? "" : " with " + agentArgs));
            out.flush();
            return 0;
        } catch (Exception e) {
            err.println("cannot attach to pid " + pid + ": " + e);
            err.flush();
            return 3;
        }
    }
}
