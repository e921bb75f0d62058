package io.portwatch.scan.linux;

import io.portwatch.scan.Addresses;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * One shared {@link InetAddress} per distinct address of the socket tables. A host with 200k sockets
 * has a handful of local addresses and, usually, far fewer remote addresses than sockets; making one
 * object per column per line would cost two objects per socket per scan. {@code InetAddress} is
 * immutable, so sharing is safe. Kept between scans; holds at most {@value #MAX_ENTRIES} addresses
 * per family and starts over when full, so that a host talking to millions of peers costs no more
 * than that.
 */
final class AddressCache {

    static final int MAX_ENTRIES = 1 << 13;
    private static final int CAPACITY = MAX_ENTRIES * 2; // load factor at most 0.5

    /** IPv4: the address as a big-endian int; slot is free when {@code v4Values[slot] == null}. */
    private final int[] v4Keys = new int[CAPACITY];
    private final InetAddress[] v4Values = new InetAddress[CAPACITY];
    private int v4Size;
    /** IPv6: the 16 bytes as two big-endian longs. */
    private final long[] v6High = new long[CAPACITY];
    private final long[] v6Low = new long[CAPACITY];
    private final InetAddress[] v6Values = new InetAddress[CAPACITY];
    private int v6Size;

    /** The address {@code a.b.c.d} for {@code address = a << 24 | b << 16 | c << 8 | d}. */
    InetAddress ipv4(int address) {
        int slot = mix(address) & (CAPACITY - 1);
        InetAddress found;
        while ((found = v4Values[slot]) != null) {
            if (v4Keys[slot] == address) {
                return found;
            }
            slot = (slot + 1) & (CAPACITY - 1);
        }
        InetAddress made = address == 0 ? Addresses.anyIPv4() : Addresses.fromBytes(new byte[] {
                (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
        if (v4Size == MAX_ENTRIES) {
            Arrays.fill(v4Values, null);
            v4Size = 0;
            slot = mix(address) & (CAPACITY - 1);
        }
        v4Keys[slot] = address;
        v4Values[slot] = made;
        v4Size++;
        return made;
    }

    /**
     * The address of 16 bytes given as two big-endian longs; an IPv4-mapped address
     * ({@code ::ffff:a.b.c.d}) comes back in its IPv4 form, as {@link Addresses#fromBytes} makes it.
     */
    InetAddress ipv6(long high, long low) {
        int slot = mix((int) (high ^ high >>> 32 ^ low ^ low >>> 32)) & (CAPACITY - 1);
        InetAddress found;
        while ((found = v6Values[slot]) != null) {
            if (v6High[slot] == high && v6Low[slot] == low) {
                return found;
            }
            slot = (slot + 1) & (CAPACITY - 1);
        }
        InetAddress made;
        if (high == 0 && low == 0) {
            made = Addresses.anyIPv6();
        } else {
            byte[] raw = new byte[16];
            for (int i = 0; i < 8; i++) {
                raw[i] = (byte) (high >>> (56 - 8 * i));
                raw[8 + i] = (byte) (low >>> (56 - 8 * i));
            }
            made = Addresses.fromBytes(raw);
        }
        if (v6Size == MAX_ENTRIES) {
            Arrays.fill(v6Values, null);
            v6Size = 0;
            slot = mix((int) (high ^ high >>> 32 ^ low ^ low >>> 32)) & (CAPACITY - 1);
        }
        v6High[slot] = high;
        v6Low[slot] = low;
        v6Values[slot] = made;
        v6Size++;
        return made;
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ h >>> 16;
    }
}
