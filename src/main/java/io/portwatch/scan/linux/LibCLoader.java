package io.portwatch.scan.linux;

import com.sun.jna.Native;

import java.security.CodeSource;
import java.util.Objects;

/**
 * Loads {@link LinuxLibC} without starting a process. JNA's {@code NativeLibrary}, when its class is first
 * initialized on Linux, runs {@code /sbin/ldconfig -p} to learn the library directories, unless the system property
 * {@value #SEARCH_PATH} is set: in an agent that is a child process of someone else's JVM. libc needs no search path
 * ({@code dlopen} finds it by its name), so when the JNA classes are portwatch's own (its jar, no application shares
 * them) the property is set, empty, for that one class initialization and removed again. An application's own JNA
 * (on the class path, so shared with portwatch) is left as it is: its search path is its own, and its first use
 * would run {@code ldconfig} anyway.
 *
 * <p>Loading a library also starts JNA's cleaner thread ({@code JNA Cleaner}, a daemon that frees what JNA
 * allocated). When the JNA is portwatch's own, that thread exists because of portwatch, so it is renamed
 * {@value #CLEANER_NAME}: every thread portwatch adds to a host JVM is a daemon named {@code portwatch-*}.
 */
final class LibCLoader {

    static final String SEARCH_PATH = "jna.platform.library.path";
    static final String CLEANER_NAME = "portwatch-jna-cleaner";
    private static final String CLEANER_CLASS = "com.sun.jna.internal.Cleaner$CleanerThread";
    private static final Object LOCK = new Object();

    private LibCLoader() {
    }

    static LinuxLibC load() {
        synchronized (LOCK) {
            if (ownJna() && System.getProperty(SEARCH_PATH) == null) {
                System.setProperty(SEARCH_PATH, "");
                try {
                    Class.forName("com.sun.jna.NativeLibrary", true, Native.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new NoClassDefFoundError("com.sun.jna.NativeLibrary");
                } finally {
                    System.clearProperty(SEARCH_PATH);
                }
            }
            LinuxLibC libc = Native.load("c", LinuxLibC.class);
            if (ownJna()) {
                nameCleaner();
            }
            return libc;
        }
    }

    /** Names portwatch's JNA's cleaner thread as portwatch's (not another JNA's: another class loader's class). */
    private static void nameCleaner() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            Class<?> type = t.getClass();
            if (type.getName().equals(CLEANER_CLASS) && type.getClassLoader() == Native.class.getClassLoader()) {
                t.setName(CLEANER_NAME);
            }
        }
    }

    /** Whether JNA's classes come from where portwatch's own classes come from (its jar). */
    static boolean ownJna() {
        CodeSource jna = Native.class.getProtectionDomain().getCodeSource();
        CodeSource own = LibCLoader.class.getProtectionDomain().getCodeSource();
        return jna != null && own != null && Objects.equals(jna.getLocation(), own.getLocation());
    }
}
