package io.portwatch.scan.linux;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds sock_diag answers byte by byte, in the host's order, for the parser's edge cases. */
final class DiagMessages {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A {@code SOCK_DIAG_BY_FAMILY} message: one socket, with the given attributes (each: type, payload). */
    DiagMessages socket(int family, int state, int localPort, byte[] local, int remotePort, byte[] remote,
                        int receiveQueue, int sendQueue, int uid, int inode, int flags, byte[]... attributes) {
        int attributeBytes = 0;
        for (byte[] a : attributes) {
            attributeBytes += align(4 + a.length - 2);
        }
        ByteBuffer b = host(16 + 72 + attributeBytes);
        header(b, 16 + 72 + attributeBytes, SockDiagRequest.SOCK_DIAG_BY_FAMILY, flags);
        b.put((byte) family).put((byte) state).put((byte) 0).put((byte) 0);
        b.put((byte) (localPort >>> 8)).put((byte) localPort).put((byte) (remotePort >>> 8)).put((byte) remotePort);
        b.put(pad16(local)).put(pad16(remote));
        b.putInt(0).putInt(0).putInt(0); // if, cookie
        b.putInt(0).putInt(receiveQueue).putInt(sendQueue).putInt(uid).putInt(inode); // expires ...
        for (byte[] a : attributes) {
            // a[0..1]: the type; the rest: the payload
            int length = 4 + a.length - 2;
            b.putShort((short) length).put(a[0]).put(a[1]).put(a, 2, a.length - 2);
            for (int i = length; i < align(length); i++) {
                b.put((byte) 0);
            }
        }
        return add(b);
    }

    /** {@code NLMSG_DONE} with the given error code (0: the dump's normal end). */
    DiagMessages done(int error, int flags) {
        ByteBuffer b = host(20);
        header(b, 20, SockDiagParser.NLMSG_DONE, flags);
        b.putInt(error);
        return add(b);
    }

    /** {@code NLMSG_ERROR} with the given (negative) error and the 16-byte header of the request. */
    DiagMessages error(int error) {
        ByteBuffer b = host(36);
        header(b, 36, SockDiagParser.NLMSG_ERROR, 0);
        b.putInt(error);
        header(b, SockDiagRequest.LENGTH, SockDiagRequest.SOCK_DIAG_BY_FAMILY, 0x301);
        return add(b);
    }

    /** Any bytes, as they are. */
    DiagMessages raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** A bare header of the given length, type and flags, followed by {@code payload} zero bytes. */
    DiagMessages header(int length, int type, int flags, int payload) {
        ByteBuffer b = host(16 + payload);
        header(b, length, type, flags);
        return add(b);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] attribute(int type, byte... payload) {
        byte[] a = new byte[2 + payload.length];
        ByteBuffer.wrap(a).order(ByteOrder.nativeOrder()).putShort((short) type);
        System.arraycopy(payload, 0, a, 2, payload.length);
        return a;
    }

    private DiagMessages add(ByteBuffer b) {
        out.write(b.array(), 0, b.capacity());
        return this;
    }

    private static ByteBuffer host(int length) {
        return ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
    }

    private static void header(ByteBuffer b, int length, int type, int flags) {
        b.putInt(length).putShort((short) type).putShort((short) flags).putInt(1).putInt(0);
    }

    private static byte[] pad16(byte[] address) {
        byte[] a = new byte[16];
        System.arraycopy(address, 0, a, 0, address.length);
        return a;
    }

    private static int align(int n) {
        return (n + 3) & ~3;
    }
}
