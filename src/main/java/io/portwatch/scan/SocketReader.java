package io.portwatch.scan;

import java.lang.reflect.Method;
import java.util.Locale;

/**
 * How the Linux source reads the socket tables of its own network namespace, and the choice of setting
 * {@value #SETTING} ({@code auto|netlink|proc}) as a pure function of where portwatch runs.
 *
 * <p>{@code auto} takes netlink wherever loading it disturbs nobody: in portwatch's own JVM ({@code run}, every
 * command); as an agent on JDK 17 to 23; as an agent on JDK 24 and later only when the host JVM granted native
 * access to the unnamed module ({@code --enable-native-access=ALL-UNNAMED}), since without it loading JNA prints
 * {@code WARNING: A restricted method…} lines on the host's standard error. Otherwise {@code /proc}. An explicit
 * {@code netlink} is taken anywhere (an agent's user accepts the warning), {@code proc} is never netlink. Whether
 * netlink then opens is found out when the source starts; if not, it reads {@code /proc} (one log line).
 */
public enum SocketReader {
    /** {@code NETLINK_SOCK_DIAG} dumps: listener backlogs included, no child process. */
    NETLINK("netlink"),
    /** The text tables of {@code /proc/net}; listener backlogs only from {@code ss}, where it may run. */
    PROC("proc");

    /** The setting that chooses. */
    public static final String SETTING = "scan.reader";

    /** The first JDK that warns when a class path library calls a restricted method without native access. */
    static final int FIRST_WARNING_JDK = 24;
    /** The first JDK with {@code Module#isNativeAccessEnabled()}. */
    static final int FIRST_NATIVE_ACCESS_QUERY_JDK = 22;

    private final String label;

    SocketReader(String label) {
        this.label = label;
    }

    /** The word for the setting, the start line and the Agent MBean's {@code SocketReader}. */
    public String label() {
        return label;
    }

    /**
     * The reader to try for {@code setting} in this JVM.
     *
     * @param ownJvm true in portwatch's own JVM ({@code run}, a command), false as an agent in a host JVM
     * @throws IllegalArgumentException when {@code setting} is none of {@code auto}, {@code netlink}, {@code proc}
     */
    public static SocketReader choose(String setting, boolean ownJvm) {
        int feature = Runtime.version().feature();
        // asked only where it decides: an agent on a JDK that warns
        boolean nativeAccess = !ownJvm && feature >= FIRST_WARNING_JDK && nativeAccessEnabled(SocketReader.class);
        return choose(setting, ownJvm, feature, nativeAccess);
    }

    /**
     * The choice itself, apart from the JVM it runs in.
     *
     * @param jdkFeature   the JDK's feature version ({@code Runtime.version().feature()})
     * @param nativeAccess whether native access is enabled for the unnamed module portwatch runs in
     * @throws IllegalArgumentException when {@code setting} is none of {@code auto}, {@code netlink}, {@code proc}
     */
    public static SocketReader choose(String setting, boolean ownJvm, int jdkFeature, boolean nativeAccess) {
        String s = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "netlink":
                return NETLINK;
            case "proc":
                return PROC;
            case "auto":
            case "":
                return ownJvm || jdkFeature < FIRST_WARNING_JDK || nativeAccess ? NETLINK : PROC;
            default:
                throw new IllegalArgumentException(SETTING + ": expecting auto, netlink or proc, found \"" + setting + "\"");
        }
    }

    /**
     * Whether the module of {@code type} may call restricted methods without a warning: {@code
     * Module#isNativeAccessEnabled()}, called reflectively (it exists from JDK 22; the build targets 17). False when
     * it cannot be asked.
     */
    static boolean nativeAccessEnabled(Class<?> type) {
        try {
            Method m = Module.class.getMethod("isNativeAccessEnabled");
            return Boolean.TRUE.equals(m.invoke(type.getModule()));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
