#!/usr/bin/env python3
"""netns-load.py SOCKETS - holds about SOCKETS TCP sockets on loopback in the current network namespace:
one listener and (SOCKETS-1)//2 connections to it (each is two sockets, client and server side).
Prints "ready N" once they are ESTABLISHED, then runs until killed (bench/netns.sh stops it by its pid)."""
import resource
import socket
import struct
import sys
import time

# closed with a reset when the process is stopped: no TIME_WAIT left behind for the next measurement
LINGER0 = struct.pack("ii", 1, 0)

want = int(sys.argv[1])
pairs = max(1, (want - 1) // 2)
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 2 * pairs + 64), hard))
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(4096)
addr = listener.getsockname()
held = []
for _ in range(pairs):
    c = socket.create_connection(addr)
    s, _ = listener.accept()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
    held += [c, s]
print("ready", 1 + len(held), flush=True)
while True:
    time.sleep(3600)
