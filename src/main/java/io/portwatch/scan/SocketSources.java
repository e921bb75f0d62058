package io.portwatch.scan;

import java.lang.reflect.Field;
import java.security.CodeSource;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Chooses the {@link SocketSource} for this host: from {@code os.name}, or as the setting
 * {@value #SETTING} says ({@code auto}, {@code linux}, {@code windows}, {@code macos}).
 *
 * <p>Nothing here throws an {@link Error} at the caller: a source that cannot start on this host
 * (unsupported operating system, no usable JNA, a missing class) is reported as one
 * {@link UnsupportedPlatformException} whose message is the one line to log; the agent then runs
 * without scanning. Only the chosen platform's classes are loaded: choosing Linux loads no Windows
 * or macOS class, and nothing of JNA on the way.
 */
public final class SocketSources {

    /** The setting that overrides the choice. */
    public static final String SETTING = "scan.source";

    /** What the Windows source needs of JNA: {@code IPHlpAPI.GetExtendedTcpTable} came with 5.9.0. */
    public static final String WINDOWS_MIN_JNA = "5.9.0";

    /** What the macOS source needs of JNA: {@code Native.load} and {@code @FieldOrder} came with 5.0.0. */
    public static final String MACOS_MIN_JNA = "5.0.0";

    /** The platforms portwatch has a socket source for. */
    public enum Platform {
        LINUX("linux"),
        WINDOWS("windows"),
        MACOS("macos");

        private final String label;

        Platform(String label) {
            this.label = label;
        }

        /** The setting value that names this platform. */
        public String label() {
            return label;
        }

        /** The platform of an {@code os.name} value, or {@code null} when portwatch has no source for it. */
        public static Platform ofOsName(String osName) {
            String os = osName == null ? "" : osName.trim().toLowerCase(Locale.ROOT);
            if (os.startsWith("linux")) {
                return LINUX;
            }
            if (os.startsWith("windows")) {
                return WINDOWS;
            }
            if (os.startsWith("mac") || os.startsWith("darwin")) {
                return MACOS;
            }
            return null;
        }
    }

    /**
     * A socket source cannot run here. The message is one line for the log, naming the cause and,
     * where there is one, the remedy.
     */
    public static final class UnsupportedPlatformException extends Exception {
        private static final long serialVersionUID = 1L;

        public UnsupportedPlatformException(String message) {
            super(message);
        }

        public UnsupportedPlatformException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Creates one platform's source. */
    @FunctionalInterface
    public interface Factory {
        SocketSource create() throws UnsupportedPlatformException;
    }

    private SocketSources() {
    }

    /**
     * The source for this JVM's {@code os.name}, or the one {@code choice} names.
     *
     * @param choice the value of {@value #SETTING}: {@code auto}, {@code linux}, {@code windows} or
     *               {@code macos} (case-insensitive; empty means {@code auto})
     * @throws IllegalArgumentException     when {@code choice} is none of these
     * @throws UnsupportedPlatformException when the source cannot run on this host
     */
    public static SocketSource create(String choice) throws UnsupportedPlatformException {
        return create(choice, System.getProperty("os.name", ""));
    }

    /**
     * As {@link #create(String)}, for a given {@code os.name}.
     *
     * @throws IllegalArgumentException     when {@code choice} is not a known value
     * @throws UnsupportedPlatformException when {@code choice} is {@code auto} and portwatch has no
     *                                      source for {@code osName}, or the source cannot start
     */
    public static SocketSource create(String choice, String osName) throws UnsupportedPlatformException {
        return create(choice, osName, defaultFactories());
    }

    /** As {@link #create(String, String)}, with what the Linux source reads beyond its tables. */
    public static SocketSource create(String choice, String osName, ScanOptions options)
            throws UnsupportedPlatformException {
        Map<Platform, Factory> factories = defaultFactories();
        factories.put(Platform.LINUX, () -> linux(options));
        return create(choice, osName, factories);
    }

    /** As {@link #create(String, String)} with other factories; for tests only. */
    static SocketSource create(String choice, String osName, Map<Platform, Factory> factories)
            throws UnsupportedPlatformException {
        Platform platform = select(choice, osName);
        Factory factory = Objects.requireNonNull(factories.get(platform), platform.label());
        try {
            return Objects.requireNonNull(factory.create(), "factory returned null");
        } catch (LinkageError | RuntimeException e) {
            // an old or mismatched JNA, a missing native library, a JNA that rejects a structure:
            // never the host's problem
            throw cannotStart("the " + platform.label() + " socket source", e);
        }
    }

    /**
     * The platform whose source {@code choice} asks for on a host with this {@code os.name}. An
     * explicit choice wins over {@code os.name}; whether that source can run is found out when it is
     * created.
     *
     * @throws IllegalArgumentException     when {@code choice} is not a known value
     * @throws UnsupportedPlatformException when {@code choice} is {@code auto} and {@code osName} is
     *                                      none of Linux, Windows, macOS
     */
    public static Platform select(String choice, String osName) throws UnsupportedPlatformException {
        String c = choice == null ? "" : choice.trim().toLowerCase(Locale.ROOT);
        if (c.isEmpty() || c.equals("auto")) {
            Platform platform = Platform.ofOsName(osName);
            if (platform == null) {
                throw new UnsupportedPlatformException("no socket source for this operating system (os.name \""
                        + osName + "\"): portwatch scans Linux, Windows and macOS; set " + SETTING
                        + "=linux, windows or macos if this system is one of them");
            }
            return platform;
        }
        for (Platform p : Platform.values()) {
            if (p.label().equals(c)) {
                return p;
            }
        }
        throw new IllegalArgumentException(SETTING + ": expecting auto, linux, windows or macos, found \"" + choice + "\"");
    }

    private static Map<Platform, Factory> defaultFactories() {
        Map<Platform, Factory> factories = new EnumMap<>(Platform.class);
        // lambdas, not method references: a method reference would load its class when the map is
        // built; a lambda names it only in its own body, which runs only when that platform is chosen
        // (SocketSourcesTest checks that choosing Linux loads no Windows, macOS or JNA class)
        factories.put(Platform.LINUX, () -> linux());
        factories.put(Platform.WINDOWS, () -> io.portwatch.scan.windows.WindowsSocketSource.create());
        factories.put(Platform.MACOS, () -> io.portwatch.scan.macos.MacSocketSource.create());
        return factories;
    }

    /** The Linux source ({@code /proc}); a failure to start is one line. */
    static SocketSource linux() throws UnsupportedPlatformException {
        return linux(ScanOptions.DEFAULT);
    }

    /** The Linux source with these options; a failure to start is one line. */
    static SocketSource linux(ScanOptions options) throws UnsupportedPlatformException {
        try {
            return new io.portwatch.scan.linux.LinuxSocketSource(options);
        } catch (RuntimeException | LinkageError e) {
            throw cannotStart("the linux socket source", e);
        }
    }

    /**
     * The exception for a source that failed to start: {@code <what> cannot start: <error>: <first
     * line of its message>} (JNA's messages run over many lines; the log gets one).
     */
    public static UnsupportedPlatformException cannotStart(String what, Throwable cause) {
        String message = cause.getMessage() == null ? "" : cause.getMessage().strip();
        int eol = message.indexOf('\n');
        if (eol >= 0) {
            message = message.substring(0, eol).strip();
        }
        if (message.endsWith(":")) {
            message = message.substring(0, message.length() - 1);
        }
        return new UnsupportedPlatformException(what + " cannot start: " + cause.getClass().getSimpleName()
                + (message.isEmpty() ? "" : ": " + message), cause);
    }

    // ---- JNA checks shared by the Windows and macOS sources ------------------------------------

    /**
     * Checks, without loading JNA's native part, that the JNA this JVM would use is at least
     * {@code minimum}. JNA cannot be relocated, so an application that carries its own JNA decides
     * which one portwatch gets.
     *
     * @param what what needs it, for the message ({@code the windows socket source})
     * @throws UnsupportedPlatformException naming the version found, where it came from and what is needed
     */
    public static void requireJna(String what, String minimum) throws UnsupportedPlatformException {
        Class<?> nativeClass;
        try {
            nativeClass = Class.forName("com.sun.jna.Native", false, SocketSources.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new UnsupportedPlatformException(what + " needs JNA " + minimum
                    + " or newer, and no JNA (com.sun.jna) is on the class path", e);
        }
        String found = jnaVersion(nativeClass);
        if (found != null) { // a JNA that does not tell is tried: binding it is guarded as well
            checkJnaVersion(what, found, minimum, location(nativeClass));
        }
    }

    /**
     * The version of the JNA whose {@code Native} class is given, read without initialising
     * {@code Native} (which would load its native library): the constant of the package-private
     * interface {@code com.sun.jna.Version}, else the jar's {@code Implementation-Version}, else null.
     */
    private static String jnaVersion(Class<?> nativeClass) {
        try {
            Class<?> version = Class.forName("com.sun.jna.Version", true, nativeClass.getClassLoader());
            Field field = version.getDeclaredField("VERSION");
            field.setAccessible(true);
            return String.valueOf(field.get(null));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // an old JNA without the interface, or one in a named module that does not open it
            Package p = nativeClass.getPackage();
            return p == null ? null : p.getImplementationVersion();
        }
    }

    /**
     * The version test of {@link #requireJna}, apart so that it can be tested with any version.
     *
     * @param from where that JNA was loaded from, for the message
     * @throws UnsupportedPlatformException when {@code found} is older than {@code minimum} or unreadable
     */
    public static void checkJnaVersion(String what, String found, String minimum, String from)
            throws UnsupportedPlatformException {
        if (compareVersions(found, minimum) < 0) {
            throw new UnsupportedPlatformException(what + " needs JNA " + minimum + " or newer, found JNA "
                    + found + " from " + from + " (the application's own JNA is used, as JNA cannot be relocated)");
        }
    }

    /**
     * Compares dotted versions numerically ({@code 5.9.0} &lt; {@code 5.13.0}); a qualifier after the
     * numbers ({@code -SNAPSHOT}) is ignored. An unreadable version compares lower than any other.
     */
    static int compareVersions(String a, String b) {
        int[] x = numbers(a);
        int[] y = numbers(b);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int xi = i < x.length ? x[i] : 0;
            int yi = i < y.length ? y[i] : 0;
            if (xi != yi) {
                return Integer.compare(xi, yi);
            }
        }
        return 0;
    }

    private static int[] numbers(String version) {
        String v = version == null ? "" : version.trim();
        int end = 0;
        while (end < v.length() && (Character.isDigit(v.charAt(end)) || v.charAt(end) == '.')) {
            end++;
        }
        String[] parts = v.substring(0, end).split("\\.");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 9) {
                return new int[] {-1};
            }
            out[i] = Integer.parseInt(parts[i]);
        }
        return out;
    }

    /** Where a class was loaded from: its jar, or {@code "an unknown location"}. */
    public static String location(Class<?> type) {
        try {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            return source == null || source.getLocation() == null ? "an unknown location" : source.getLocation().toString();
        } catch (SecurityException e) {
            return "an unknown location";
        }
    }
}
