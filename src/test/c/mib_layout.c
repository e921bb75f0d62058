/*
 * Prints the layout of the IP Helper structures and the values of the constants portwatch's Windows source uses,
 * as the Windows SDK headers of the compiler define them (mingw-w64's, compiled for x86_64): one "name value" line
 * each. MibLayoutTest compiles it with x86_64-w64-mingw32-gcc, runs it under wine and compares every line with the
 * constant the Java decoders use.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>
#include <tcpmib.h>
#include <udpmib.h>
#include <iprtrmib.h>
#include <tlhelp32.h>
#include <stddef.h>
#include <stdio.h>

#define SIZE(type) printf("sizeof %s %u\n", #type, (unsigned) sizeof(type))
#define OFFSET(type, field) printf("offsetof %s.%s %u\n", #type, #field, (unsigned) offsetof(type, field))
#define CONSTANT(name) printf("constant %s %ld\n", #name, (long) (name))

int main(void) {
    SIZE(MIB_TCPROW_OWNER_PID);
    OFFSET(MIB_TCPROW_OWNER_PID, dwState);
    OFFSET(MIB_TCPROW_OWNER_PID, dwLocalAddr);
    OFFSET(MIB_TCPROW_OWNER_PID, dwLocalPort);
    OFFSET(MIB_TCPROW_OWNER_PID, dwRemoteAddr);
    OFFSET(MIB_TCPROW_OWNER_PID, dwRemotePort);
    OFFSET(MIB_TCPROW_OWNER_PID, dwOwningPid);

    SIZE(MIB_TCP6ROW_OWNER_PID);
    OFFSET(MIB_TCP6ROW_OWNER_PID, ucLocalAddr);
    OFFSET(MIB_TCP6ROW_OWNER_PID, dwLocalScopeId);
    OFFSET(MIB_TCP6ROW_OWNER_PID, dwLocalPort);
    OFFSET(MIB_TCP6ROW_OWNER_PID, ucRemoteAddr);
    OFFSET(MIB_TCP6ROW_OWNER_PID, dwRemoteScopeId);
    OFFSET(MIB_TCP6ROW_OWNER_PID, dwRemotePort);
    OFFSET(MIB_TCP6ROW_OWNER_PID, dwState);
    OFFSET(MIB_TCP6ROW_OWNER_PID, dwOwningPid);

    SIZE(MIB_UDPROW_OWNER_PID);
    OFFSET(MIB_UDPROW_OWNER_PID, dwLocalAddr);
    OFFSET(MIB_UDPROW_OWNER_PID, dwLocalPort);
    OFFSET(MIB_UDPROW_OWNER_PID, dwOwningPid);

    SIZE(MIB_UDP6ROW_OWNER_PID);
    OFFSET(MIB_UDP6ROW_OWNER_PID, ucLocalAddr);
    OFFSET(MIB_UDP6ROW_OWNER_PID, dwLocalScopeId);
    OFFSET(MIB_UDP6ROW_OWNER_PID, dwLocalPort);
    OFFSET(MIB_UDP6ROW_OWNER_PID, dwOwningPid);

    OFFSET(MIB_TCPTABLE_OWNER_PID, dwNumEntries);
    OFFSET(MIB_TCPTABLE_OWNER_PID, table);
    OFFSET(MIB_TCP6TABLE_OWNER_PID, dwNumEntries);
    OFFSET(MIB_TCP6TABLE_OWNER_PID, table);
    OFFSET(MIB_UDPTABLE_OWNER_PID, dwNumEntries);
    OFFSET(MIB_UDPTABLE_OWNER_PID, table);
    OFFSET(MIB_UDP6TABLE_OWNER_PID, dwNumEntries);
    OFFSET(MIB_UDP6TABLE_OWNER_PID, table);

    CONSTANT(AF_INET);
    CONSTANT(AF_INET6);
    CONSTANT(TCP_TABLE_OWNER_PID_ALL);
    CONSTANT(UDP_TABLE_OWNER_PID);
    CONSTANT(NO_ERROR);
    CONSTANT(ERROR_NOT_SUPPORTED);
    CONSTANT(ERROR_INSUFFICIENT_BUFFER);
    CONSTANT(MIB_TCP_STATE_CLOSED);
    CONSTANT(MIB_TCP_STATE_LISTEN);
    CONSTANT(MIB_TCP_STATE_SYN_SENT);
    CONSTANT(MIB_TCP_STATE_SYN_RCVD);
    CONSTANT(MIB_TCP_STATE_ESTAB);
    CONSTANT(MIB_TCP_STATE_FIN_WAIT1);
    CONSTANT(MIB_TCP_STATE_FIN_WAIT2);
    CONSTANT(MIB_TCP_STATE_CLOSE_WAIT);
    CONSTANT(MIB_TCP_STATE_CLOSING);
    CONSTANT(MIB_TCP_STATE_LAST_ACK);
    CONSTANT(MIB_TCP_STATE_TIME_WAIT);
    CONSTANT(MIB_TCP_STATE_DELETE_TCB);
    CONSTANT(TH32CS_SNAPPROCESS);
    CONSTANT(PROCESS_QUERY_LIMITED_INFORMATION);
    CONSTANT(TOKEN_QUERY);
    return 0;
}
