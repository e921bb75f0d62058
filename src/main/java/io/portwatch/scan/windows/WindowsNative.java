package io.portwatch.scan.windows;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.IPHlpAPI;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.Tlhelp32;
import com.sun.jna.platform.win32.W32ServiceManager;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.Winsvc;
import com.sun.jna.ptr.IntByReference;
import io.portwatch.scan.SocketSources;
import io.portwatch.scan.SocketSources.UnsupportedPlatformException;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every Windows API call of the Windows source, through jna-platform; nothing here decodes a table
 * (that is {@link MibTables}). Used from the scan thread only.
 */
final class WindowsNative {

    static final int AF_INET = 2;
    static final int AF_INET6 = 23;
    /** {@code TCP_TABLE_CLASS.TCP_TABLE_OWNER_PID_ALL}. */
    static final int TCP_TABLE_OWNER_PID_ALL = 5;
    /** {@code UDP_TABLE_CLASS.UDP_TABLE_OWNER_PID}. */
    static final int UDP_TABLE_OWNER_PID = 1;

    static final int NO_ERROR = 0;
    static final int ERROR_NOT_SUPPORTED = 50;
    static final int ERROR_INSUFFICIENT_BUFFER = 122;

    /** Tries of the size-then-fill loop: the table can grow between the two calls. */
    static final int TABLE_TRIES = 8;

    /** 100 ns intervals between 1601-01-01 (FILETIME's epoch) and 1970-01-01. */
    private static final long FILETIME_EPOCH_OFFSET = 116_444_736_000_000_000L;

    /** One call of {@code GetExtended*Table} into a buffer; returns the Win32 error code. */
    @FunctionalInterface
    interface TableCall {
        int call(Pointer buffer, IntByReference size);
    }

    /** What the process APIs tell of a running process. */
    record Details(String exePath, String user) {
    }

    private final IPHlpAPI ipHlp;
    private final Kernel32 kernel32;
    private Memory tableBuffer;
    private final char[] pathBuffer = new char[32_768];

    private WindowsNative(IPHlpAPI ipHlp, Kernel32 kernel32) {
        this.ipHlp = ipHlp;
        this.kernel32 = kernel32;
    }

    /**
     * Binds the libraries and checks that the jna-platform found has every function this source
     * calls (the application may bring an older one).
     *
     * @throws UnsupportedPlatformException naming what is missing
     * @throws LinkageError                 when a library cannot be bound: the caller turns it into the message
     */
    static WindowsNative load() throws UnsupportedPlatformException {
        requireMethod(IPHlpAPI.class, "GetExtendedTcpTable", Pointer.class, IntByReference.class, boolean.class,
                int.class, int.class, int.class);
        requireMethod(IPHlpAPI.class, "GetExtendedUdpTable", Pointer.class, IntByReference.class, boolean.class,
                int.class, int.class, int.class);
        requireMethod(Kernel32.class, "QueryFullProcessImageName", WinNT.HANDLE.class, int.class, char[].class,
                IntByReference.class);
        requireMethod(Kernel32.class, "GetProcessTimes", WinNT.HANDLE.class, WinBase.FILETIME.class,
                WinBase.FILETIME.class, WinBase.FILETIME.class, WinBase.FILETIME.class);
        requireMethod(Advapi32Util.class, "getTokenAccount", WinNT.HANDLE.class);
        requireMethod(W32ServiceManager.class, "enumServicesStatusExProcess", int.class, int.class, String.class);
        WindowsNative api = new WindowsNative(IPHlpAPI.INSTANCE, Kernel32.INSTANCE);
        Advapi32 advapi32 = Advapi32.INSTANCE; // bind it now, not in the middle of a scan
        if (advapi32 == null) {
            throw new UnsupportedPlatformException("the windows socket source cannot start: Advapi32 did not load");
        }
        return api;
    }

    static void requireMethod(Class<?> type, String name, Class<?>... parameters)
            throws UnsupportedPlatformException {
        try {
            type.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new UnsupportedPlatformException("the windows socket source needs jna-platform "
                    + SocketSources.WINDOWS_MIN_JNA + " or newer: the one from " + SocketSources.location(type)
                    + " has no " + type.getSimpleName() + "." + name
                    + " (the application's own jna-platform is used, as JNA cannot be relocated)", e);
        }
    }

    /** The IPv4 or IPv6 TCP table with owner pids, every state. */
    ByteTable tcpTable(int family) throws IOException {
        return fetch((buffer, size) -> ipHlp.GetExtendedTcpTable(buffer, size, false, family,
                TCP_TABLE_OWNER_PID_ALL, 0), "GetExtendedTcpTable(" + familyName(family) + ")");
    }

    /** The IPv4 or IPv6 UDP table with owner pids. */
    ByteTable udpTable(int family) throws IOException {
        return fetch((buffer, size) -> ipHlp.GetExtendedUdpTable(buffer, size, false, family,
                UDP_TABLE_OWNER_PID, 0), "GetExtendedUdpTable(" + familyName(family) + ")");
    }

    /** A filled table: the buffer and how many of its bytes the call may have written (0: no table). */
    record ByteTable(Pointer pointer, long length) {
        static final ByteTable EMPTY = new ByteTable(null, 0);
    }

    private ByteTable fetch(TableCall call, String what) throws IOException {
        FetchResult r = fetch(call, what, tableBuffer);
        tableBuffer = r.buffer;
        return r.table;
    }

    record FetchResult(ByteTable table, Memory buffer) {
    }

    /**
     * The size-then-fill loop: call with the buffer at hand; when Windows answers
     * {@code ERROR_INSUFFICIENT_BUFFER} with the size it needs, grow the buffer (with room for rows
     * added meanwhile) and call again. {@code ERROR_NOT_SUPPORTED} (no IPv6 stack) is an empty table.
     *
     * @param buffer the buffer of the last scan, reused when large enough; may be null
     */
    static FetchResult fetch(TableCall call, String what, Memory buffer) throws IOException {
        Memory current = buffer;
        for (int attempt = 0; attempt < TABLE_TRIES; attempt++) {
            int capacity = current == null ? 0 : (int) current.size();
            IntByReference size = new IntByReference(capacity);
            int rc = call.call(current, size);
            if (rc == NO_ERROR) {
                return new FetchResult(current == null ? ByteTable.EMPTY : new ByteTable(current, capacity), current);
            }
            if (rc == ERROR_NOT_SUPPORTED) {
                return new FetchResult(ByteTable.EMPTY, current);
            }
            if (rc != ERROR_INSUFFICIENT_BUFFER) {
                throw new IOException(what + " failed with Windows error " + rc);
            }
            long wanted = (size.getValue() & 0xFFFF_FFFFL);
            if (wanted <= capacity) {
                wanted = capacity + 4096L;
            }
            wanted += wanted / 8 + 1024; // rows may be added before the next call
            if (wanted > Integer.MAX_VALUE) {
                throw new IOException(what + " asks for a buffer of " + wanted + " bytes");
            }
            current = new Memory(wanted);
        }
        throw new IOException(what + " kept growing over " + TABLE_TRIES + " tries");
    }

    private static String familyName(int family) {
        return family == AF_INET ? "AF_INET" : family == AF_INET6 ? "AF_INET6" : String.valueOf(family);
    }

    /** Image names of every running process ({@code svchost.exe}) by pid, from a Toolhelp snapshot. */
    Map<Integer, String> processNames() throws IOException {
        WinNT.HANDLE snapshot = kernel32.CreateToolhelp32Snapshot(Tlhelp32.TH32CS_SNAPPROCESS, new WinDef.DWORD(0));
        if (snapshot == null || WinBase.INVALID_HANDLE_VALUE.equals(snapshot)) {
            throw new IOException("CreateToolhelp32Snapshot failed with Windows error " + kernel32.GetLastError());
        }
        try {
            Map<Integer, String> names = new HashMap<>();
            Tlhelp32.PROCESSENTRY32 entry = new Tlhelp32.PROCESSENTRY32();
            for (boolean more = kernel32.Process32First(snapshot, entry); more; more = kernel32.Process32Next(snapshot, entry)) {
                names.put(entry.th32ProcessID.intValue(), Native.toString(entry.szExeFile));
            }
            return names;
        } finally {
            kernel32.CloseHandle(snapshot);
        }
    }

    /** When the process started, or null when it cannot be opened (another user's, protected, gone). */
    Instant startTime(int pid) {
        WinNT.HANDLE process = kernel32.OpenProcess(WinNT.PROCESS_QUERY_LIMITED_INFORMATION, false, pid);
        if (process == null) {
            return null;
        }
        try {
            WinBase.FILETIME created = new WinBase.FILETIME();
            WinBase.FILETIME exited = new WinBase.FILETIME();
            WinBase.FILETIME kernel = new WinBase.FILETIME();
            WinBase.FILETIME user = new WinBase.FILETIME();
            if (!kernel32.GetProcessTimes(process, created, exited, kernel, user)) {
                return null;
            }
            return fileTimeToInstant(created.dwHighDateTime, created.dwLowDateTime);
        } finally {
            kernel32.CloseHandle(process);
        }
    }

    /** A FILETIME (100 ns intervals since 1601-01-01 UTC) as an instant. */
    static Instant fileTimeToInstant(int high, int low) {
        long ticks = ((long) high << 32) | (low & 0xFFFF_FFFFL);
        long sinceEpoch = ticks - FILETIME_EPOCH_OFFSET;
        return Instant.ofEpochSecond(Math.floorDiv(sinceEpoch, 10_000_000L), Math.floorMod(sinceEpoch, 10_000_000L) * 100);
    }

    /** Executable path and {@code DOMAIN\\user} of a process; "" for what cannot be read. */
    Details details(int pid) {
        WinNT.HANDLE process = kernel32.OpenProcess(WinNT.PROCESS_QUERY_LIMITED_INFORMATION, false, pid);
        if (process == null) {
            return new Details("", "");
        }
        try {
            return new Details(imagePath(process), user(process));
        } finally {
            kernel32.CloseHandle(process);
        }
    }

    private String imagePath(WinNT.HANDLE process) {
        IntByReference length = new IntByReference(pathBuffer.length);
        if (!kernel32.QueryFullProcessImageName(process, 0, pathBuffer, length)) {
            return "";
        }
        return new String(pathBuffer, 0, Math.min(length.getValue(), pathBuffer.length));
    }

    private static String user(WinNT.HANDLE process) {
        WinNT.HANDLEByReference token = new WinNT.HANDLEByReference();
        if (!Advapi32.INSTANCE.OpenProcessToken(process, WinNT.TOKEN_QUERY, token)) {
            return "";
        }
        try {
            Advapi32Util.Account account = Advapi32Util.getTokenAccount(token.getValue());
            String domain = account.domain == null ? "" : account.domain;
            String name = account.name == null ? "" : account.name;
            return domain.isEmpty() ? name : domain + "\\" + name;
        } catch (RuntimeException e) { // Win32Exception: a SID without a name
            return "";
        } finally {
            Kernel32.INSTANCE.CloseHandle(token.getValue());
        }
    }

    /**
     * The running Win32 services by hosting pid, as the service control manager tells: the services
     * in each {@code svchost.exe} (and in any other process that hosts services).
     */
    Map<Integer, List<String>> servicesByPid() {
        Map<Integer, List<String>> services = new HashMap<>();
        try (W32ServiceManager scm = new W32ServiceManager(Winsvc.SC_MANAGER_ENUMERATE_SERVICE)) {
            for (Winsvc.ENUM_SERVICE_STATUS_PROCESS s
                    : scm.enumServicesStatusExProcess(WinNT.SERVICE_WIN32, Winsvc.SERVICE_ACTIVE, null)) {
                int pid = s.ServiceStatusProcess.dwProcessId;
                if (pid > 0 && s.lpServiceName != null) {
                    services.computeIfAbsent(pid, k -> new ArrayList<>()).add(s.lpServiceName);
                }
            }
        } catch (RuntimeException e) { // Win32Exception: no right to enumerate; the services stay unnamed
            return Map.of();
        }
        return services;
    }
}
