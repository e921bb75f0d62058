/*
 * Writes the tables GetExtendedTcpTable(TCP_TABLE_OWNER_PID_ALL) and GetExtendedUdpTable(UDP_TABLE_OWNER_PID) give
 * for both address families, raw, to DIR\tcp4.bin, tcp6.bin, udp4.bin and udp6.bin: the row count and its rows,
 * exactly the bytes portwatch's decoders read. WineCaptureTest runs it under wine in a network namespace of its own.
 * Exit status 0, or 1 with a message on stderr naming the call and its error code.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>
#include <stdio.h>
#include <stdlib.h>

typedef DWORD (WINAPI *table_call)(PVOID, PDWORD, BOOL, ULONG, ULONG, ULONG);

static DWORD WINAPI tcp(PVOID buffer, PDWORD size, BOOL sort, ULONG family, ULONG cls, ULONG reserved) {
    return GetExtendedTcpTable(buffer, size, sort, family, (TCP_TABLE_CLASS) cls, reserved);
}

static DWORD WINAPI udp(PVOID buffer, PDWORD size, BOOL sort, ULONG family, ULONG cls, ULONG reserved) {
    return GetExtendedUdpTable(buffer, size, sort, family, (UDP_TABLE_CLASS) cls, reserved);
}

static int dump(const char *dir, const char *name, table_call call, ULONG family, ULONG cls, size_t row) {
    DWORD size = 0;
    BYTE *buffer = NULL;
    DWORD rc = ERROR_INSUFFICIENT_BUFFER;
    for (int tries = 0; tries < 8 && rc == ERROR_INSUFFICIENT_BUFFER; tries++) {
        free(buffer);
        size += 4096;
        buffer = malloc(size);
        if (buffer == NULL) {
            fprintf(stderr, "%s: out of memory\n", name);
            return 1;
        }
        rc = call(buffer, &size, FALSE, family, cls, 0);
    }
    if (rc != NO_ERROR) {
        fprintf(stderr, "%s: error %lu\n", name, (unsigned long) rc);
        return 1;
    }
    DWORD rows = *(DWORD *) buffer;
    size_t length = sizeof(DWORD) + rows * row; /* the rows start at offset 4 in every table (mib_layout.c) */
    char path[1024];
    snprintf(path, sizeof path, "%s\\%s", dir, name);
    FILE *out = fopen(path, "wb");
    if (out == NULL || fwrite(buffer, 1, length, out) != length || fclose(out) != 0) {
        fprintf(stderr, "%s: cannot write %s\n", name, path);
        return 1;
    }
    free(buffer);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: mib_dump DIR\n");
        return 2;
    }
    int failed = 0;
    failed |= dump(argv[1], "tcp4.bin", tcp, AF_INET, TCP_TABLE_OWNER_PID_ALL, sizeof(MIB_TCPROW_OWNER_PID));
    failed |= dump(argv[1], "tcp6.bin", tcp, AF_INET6, TCP_TABLE_OWNER_PID_ALL, sizeof(MIB_TCP6ROW_OWNER_PID));
    failed |= dump(argv[1], "udp4.bin", udp, AF_INET, UDP_TABLE_OWNER_PID, sizeof(MIB_UDPROW_OWNER_PID));
    failed |= dump(argv[1], "udp6.bin", udp, AF_INET6, UDP_TABLE_OWNER_PID, sizeof(MIB_UDP6ROW_OWNER_PID));
    return failed;
}
