package io.portwatch.scan;

import io.portwatch.scan.SocketSources.Factory;
import io.portwatch.scan.SocketSources.Platform;
import io.portwatch.scan.SocketSources.UnsupportedPlatformException;
import org.junit.jupiter.api.Test;
import io.portwatch.testing.FakeSource;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SocketSourcesTest {

    // ---- selection -----------------------------------------------------------------------------

    @Test
    void autoFollowsOsName() throws UnsupportedPlatformException {
        assertEquals(Platform.LINUX, SocketSources.select("auto", "Linux"));
        assertEquals(Platform.WINDOWS, SocketSources.select("auto", "Windows Server 2022"));
        assertEquals(Platform.WINDOWS, SocketSources.select("auto", "Windows 11"));
        assertEquals(Platform.MACOS, SocketSources.select("auto", "Mac OS X"));
        assertEquals(Platform.MACOS, SocketSources.select("auto", "Darwin"));
    }

    @Test
    void emptyOrMissingChoiceMeansAuto() throws UnsupportedPlatformException {
        assertEquals(Platform.LINUX, SocketSources.select("", "Linux"));
        assertEquals(Platform.LINUX, SocketSources.select(null, "Linux"));
        assertEquals(Platform.MACOS, SocketSources.select(" AUTO ", "Mac OS X"));
    }

    @Test
    void explicitChoiceWinsOverOsName() throws UnsupportedPlatformException {
        assertEquals(Platform.LINUX, SocketSources.select("linux", "SomethingElse"));
        assertEquals(Platform.WINDOWS, SocketSources.select("Windows", "Linux"));
        assertEquals(Platform.MACOS, SocketSources.select("MACOS", "Linux"));
    }

    @Test
    void unsupportedOsIsOneClearMessage() {
        UnsupportedPlatformException e = assertThrows(UnsupportedPlatformException.class,
                () -> SocketSources.select("auto", "FreeBSD"));
        assertEquals("no socket source for this operating system (os.name \"FreeBSD\"): portwatch scans Linux,"
                + " Windows and macOS; set scan.source=linux, windows or macos if this system is one of them",
                e.getMessage());
    }

    @Test
    void unknownChoiceIsASettingError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SocketSources.create("solaris", "Linux"));
        assertEquals("scan.source: expecting auto, linux, windows or macos, found \"solaris\"", e.getMessage());
    }

    @Test
    void createCallsOnlyTheChosenFactory() throws UnsupportedPlatformException {
        SocketSource fake = new FakeSource("linux");
        List<Platform> called = new ArrayList<>();
        Map<Platform, Factory> factories = new EnumMap<>(Platform.class);
        for (Platform p : Platform.values()) {
            factories.put(p, () -> {
                called.add(p);
                return fake;
            });
        }

        assertSame(fake, SocketSources.create("auto", "Linux", factories));
        assertEquals(List.of(Platform.LINUX), called);
    }

    // ---- soft failure --------------------------------------------------------------------------

    @Test
    void linkageErrorOfAFactoryBecomesOneLineNotAnError() {
        Map<Platform, Factory> factories = new EnumMap<>(Platform.class);
        factories.put(Platform.WINDOWS, () -> {
            throw new UnsatisfiedLinkError("Unable to load library 'IPHlpAPI':\nNative library (win32-x86-64/IPHlpAPI.dll)"
                    + " not found in resource path");
        });
        factories.put(Platform.MACOS, () -> {
            throw new NoClassDefFoundError("com/sun/jna/Structure$FieldOrder");
        });

        UnsupportedPlatformException windows = assertThrows(UnsupportedPlatformException.class,
                () -> SocketSources.create("auto", "Windows 10", factories));
        UnsupportedPlatformException mac = assertThrows(UnsupportedPlatformException.class,
                () -> SocketSources.create("macos", "Mac OS X", factories));

        assertEquals("the windows socket source cannot start: UnsatisfiedLinkError: Unable to load library 'IPHlpAPI'",
                windows.getMessage());
        assertEquals("the macos socket source cannot start: NoClassDefFoundError: com/sun/jna/Structure$FieldOrder",
                mac.getMessage());
    }

    @Test
    void runtimeExceptionOfAFactoryIsAlsoOneLine() {
        Map<Platform, Factory> factories = new EnumMap<>(Platform.class);
        factories.put(Platform.MACOS, () -> {
            throw new IllegalArgumentException("Structure class SocketInfo has unknown or zero size");
        });

        UnsupportedPlatformException e = assertThrows(UnsupportedPlatformException.class,
                () -> SocketSources.create("auto", "Mac OS X", factories));
        assertEquals("the macos socket source cannot start: IllegalArgumentException: Structure class SocketInfo"
                + " has unknown or zero size", e.getMessage());
    }

    @Test
    void oldJnaIsRefusedNamingVersionsAndJar() {
        UnsupportedPlatformException e = assertThrows(UnsupportedPlatformException.class,
                () -> SocketSources.checkJnaVersion("the windows socket source", "4.5.2", SocketSources.WINDOWS_MIN_JNA,
                        "file:/app/lib/jna-4.5.2.jar"));
        assertEquals("the windows socket source needs JNA 5.9.0 or newer, found JNA 4.5.2 from file:/app/lib/jna-4.5.2.jar"
                + " (the application's own JNA is used, as JNA cannot be relocated)", e.getMessage());
    }

    @Test
    void jnaVersionsCompareNumerically() {
        assertDoesNotThrow(() -> SocketSources.checkJnaVersion("x", "5.13.0", "5.9.0", "here"));
        assertDoesNotThrow(() -> SocketSources.checkJnaVersion("x", "5.9.0", "5.9.0", "here"));
        assertDoesNotThrow(() -> SocketSources.checkJnaVersion("x", "5.10.0-SNAPSHOT", "5.9.0", "here"));
        assertDoesNotThrow(() -> SocketSources.checkJnaVersion("x", "6", "5.9.0", "here"));
        assertThrows(UnsupportedPlatformException.class, () -> SocketSources.checkJnaVersion("x", "5.8.0", "5.9.0", "here"));
        assertThrows(UnsupportedPlatformException.class, () -> SocketSources.checkJnaVersion("x", "", "5.0.0", "here"));
        assertThrows(UnsupportedPlatformException.class, () -> SocketSources.checkJnaVersion("x", "unknown", "5.0.0", "here"));
    }

    @Test
    void theJnaOfThisBuildIsNewEnough() {
        assertDoesNotThrow(() -> SocketSources.requireJna("the windows socket source", SocketSources.WINDOWS_MIN_JNA));
    }

    @Test
    void windowsSourceOnLinuxFailsSoftWithOneLine() {
        // the real factory: JNA is fine, but there is no IPHlpAPI.dll here
        UnsupportedPlatformException e = assertThrows(UnsupportedPlatformException.class,
                () -> SocketSources.create("windows", "Linux"));
        assertTrue(e.getMessage().startsWith("the windows socket source cannot start: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void macosSourceOnLinuxFailsSoftWithOneLine() {
        UnsupportedPlatformException e = assertThrows(UnsupportedPlatformException.class,
                () -> SocketSources.create("macos", "Linux"));
        assertTrue(e.getMessage().startsWith("the macos socket source cannot start: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void linuxIsTheLinuxSource() throws Exception {
        SocketSource source = SocketSources.create("auto", "Linux");
        assertEquals("io.portwatch.scan.linux.LinuxSocketSource", source.getClass().getName());
    }

    // ---- nothing of another platform is loaded ---------------------------------------------------

    @Test
    void choosingLinuxLoadsNoWindowsMacosOrJnaClass() throws Exception {
        RecordingLoader loader = new RecordingLoader(SocketSourcesTest.class.getClassLoader());
        Class<?> sources = loader.loadClass(SocketSources.class.getName());
        Method create = sources.getMethod("create", String.class, String.class);

        Object source = create.invoke(null, "auto", "Linux");
        assertEquals("io.portwatch.scan.linux.LinuxSocketSource", source.getClass().getName());

        List<String> loaded = loader.requested();
        assertTrue(loaded.contains(SocketSources.class.getName()), "the loader saw the classes: " + loaded);
        for (String name : loaded) {
            assertFalse(name.startsWith("io.portwatch.scan.windows."), name + " was loaded");
            assertFalse(name.startsWith("io.portwatch.scan.macos."), name + " was loaded");
            assertFalse(name.startsWith("com.sun.jna.platform."), name + " was loaded");
            assertFalse(name.startsWith("com.sun.jna."), name + " was loaded");
        }
    }

    /**
     * Defines portwatch's classes itself (so that every class they link to, the verifier's loads
     * included, is asked of it) and records every name asked for.
     */
    private static final class RecordingLoader extends ClassLoader {
        private final List<String> requested = Collections.synchronizedList(new ArrayList<>());

        RecordingLoader(ClassLoader parent) {
            super("recording", parent);
        }

        List<String> requested() {
            return List.copyOf(requested);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            if (!name.startsWith("io.portwatch.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    String resource = name.replace('.', '/') + ".class";
                    try (InputStream in = getParent().getResourceAsStream(resource)) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
