package io.portwatch.config;

import io.portwatch.support.Errors;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Resolved settings: every key of {@link SettingKey} with its value and where it came from.
 * Immutable. Precedence, highest first: arguments (command line {@code --key=value} or agent
 * {@code key=value,...}), the properties file named by {@code config}, environment
 * {@code PORTWATCH_KEY}, the catalogue default.
 */
public final class Settings {

    private final Map<SettingKey, String> values;
    private final Map<SettingKey, String> origins;

    private Settings(Map<SettingKey, String> values, Map<SettingKey, String> origins) {
        this.values = values;
        this.origins = origins;
    }

    /** Every key at its default. */
    public static Settings defaults() {
        try {
            return resolve(Map.of(), "", Map.of());
        } catch (SettingsException e) {
            throw new IllegalStateException("catalogue defaults are invalid: " + e.getMessage(), e);
        }
    }

    /**
     * Resolves settings from arguments, the config file they or the environment name, and the
     * environment. Every problem is collected before failing.
     *
     * @param arguments   key → value from the command line or agent arguments
     * @param argOrigin   how arguments are named in messages: {@code "--"} for the command line
     *                    (a key shows as {@code --interval}), {@code "agent argument "} for agent arguments
     * @param environment the process environment (only {@code PORTWATCH_*} variables are read)
     * @throws SettingsException naming every unknown key and bad value with where it came from
     */
    public static Settings resolve(Map<String, String> arguments, String argOrigin, Map<String, String> environment)
            throws SettingsException {
        List<String> problems = new ArrayList<>();
        Map<SettingKey, String> values = new EnumMap<>(SettingKey.class);
        Map<SettingKey, String> origins = new EnumMap<>(SettingKey.class);
        for (SettingKey key : SettingKey.values()) {
            values.put(key, key.defaultValue());
            origins.put(key, "default");
        }

        Map<SettingKey, String> fromEnv = new EnumMap<>(SettingKey.class);
        environment.forEach((name, value) -> {
            if (name.startsWith("PORTWATCH_")) {
                SettingKey.byEnvironmentVariable(name).ifPresentOrElse(k -> fromEnv.put(k, value),
                        () -> problems.add("unknown setting " + name + " (environment)"));
            }
        });
        Map<SettingKey, String> fromArgs = new EnumMap<>(SettingKey.class);
        arguments.forEach((name, value) -> SettingKey.byKey(name).ifPresentOrElse(k -> fromArgs.put(k, value),
                () -> problems.add("unknown setting " + argOrigin + name + suggestion(name))));

        put(values, origins, fromEnv, k -> "environment " + k.environmentVariable());
        String configFile = fromArgs.getOrDefault(SettingKey.CONFIG, fromEnv.getOrDefault(SettingKey.CONFIG, ""));
        if (!configFile.isBlank()) {
            put(values, origins, readConfigFile(Path.of(configFile.trim()), problems), k -> "config file " + configFile.trim());
        }
        put(values, origins, fromArgs, k -> argOrigin + k.key());

        for (SettingKey key : SettingKey.values()) {
            String value = values.get(key);
            if (!key.type().accepts(value)) {
                problems.add(key.key() + ": expecting " + key.type().expectation() + " (found \"" + value + "\") ("
                        + origins.get(key) + ")");
            }
        }
        if (!values.get(SettingKey.UNEXPECTED_LISTENERS_IGNORE).isBlank()) {
            try {
                ListenerIgnoreList.parse(values.get(SettingKey.UNEXPECTED_LISTENERS_IGNORE));
            } catch (IllegalArgumentException e) {
                problems.add(SettingKey.UNEXPECTED_LISTENERS_IGNORE.key() + ": " + e.getMessage() + " ("
                        + origins.get(SettingKey.UNEXPECTED_LISTENERS_IGNORE) + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return new Settings(values, origins);
    }

    private static void put(Map<SettingKey, String> values, Map<SettingKey, String> origins, Map<SettingKey, String> from,
                            java.util.function.Function<SettingKey, String> origin) {
        from.forEach((k, v) -> {
            values.put(k, v.trim());
            origins.put(k, origin.apply(k));
        });
    }

    private static Map<SettingKey, String> readConfigFile(Path file, List<String> problems) {
        Map<SettingKey, String> out = new EnumMap<>(SettingKey.class);
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            problems.add("config: cannot read " + file + ": " + Errors.text(e));
            return out;
        }
        for (String name : new java.util.TreeSet<>(properties.stringPropertyNames())) {
            var key = SettingKey.byKey(name);
            if (key.isEmpty() || key.get() == SettingKey.CONFIG) {
                problems.add("unknown setting " + name + " (config file " + file + ")" + suggestion(name));
            } else {
                out.put(key.get(), properties.getProperty(name));
            }
        }
        return out;
    }

    private static String suggestion(String name) {
        for (SettingKey k : SettingKey.values()) {
            if (k.key().equalsIgnoreCase(name)) {
                return "; did you mean " + k.key() + "?";
            }
        }
        return "";
    }

    /**
     * Parses agent arguments {@code key=value,key=value}. A segment without {@code =} continues the
     * previous value (so {@code unexpectedListeners.ignore=tcp:22,udp:53} keeps both entries).
     *
     * @throws SettingsException when the first segment has no {@code =}
     */
    public static Map<String, String> parseAgentArguments(String text) throws SettingsException {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        String last = null;
        for (String segment : text.split(",")) {
            int eq = segment.indexOf('=');
            if (eq > 0) {
                last = segment.substring(0, eq).trim();
                out.put(last, segment.substring(eq + 1));
            } else if (last != null) {
                out.put(last, out.get(last) + "," + segment);
            } else if (!segment.isBlank()) {
                throw new SettingsException(List.of("agent argument \"" + segment + "\": expecting key=value"));
            }
        }
        return out;
    }

    /**
     * Parses command-line settings {@code --key=value}.
     *
     * @throws SettingsException naming every argument that is not of that form
     */
    public static Map<String, String> parseCommandLine(List<String> args) throws SettingsException {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                out.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else {
                problems.add("argument \"" + arg + "\": expecting --key=value");
            }
        }
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return out;
    }

    public String get(SettingKey key) {
        return values.get(key);
    }

    /** Where the value came from: {@code default}, {@code --interval}, {@code environment PORTWATCH_INTERVAL}, ... */
    public String origin(SettingKey key) {
        return origins.get(key);
    }

    public int getInt(SettingKey key) {
        return Integer.parseInt(values.get(key));
    }

    public boolean getBoolean(SettingKey key) {
        return Boolean.parseBoolean(values.get(key).toLowerCase(Locale.ROOT));
    }

    public Duration getSeconds(SettingKey key) {
        return Duration.ofSeconds(Long.parseLong(values.get(key)));
    }

    public long getBytes(SettingKey key) {
        return SettingKey.parseSize(values.get(key));
    }

    public Path getPath(SettingKey key) {
        return Path.of(values.get(key));
    }

    /** The same settings with one value replaced (for tests and for commands' own options). */
    public Settings with(SettingKey key, String value, String origin) {
        Map<SettingKey, String> v = new EnumMap<>(values);
        Map<SettingKey, String> o = new EnumMap<>(origins);
        v.put(key, value);
        o.put(key, origin);
        return new Settings(v, o);
    }
}
