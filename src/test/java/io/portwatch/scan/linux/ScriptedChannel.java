package io.portwatch.scan.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A {@link SockDiagChannel} that answers from a script instead of the kernel: the syscall layer a test injects into
 * {@link NetlinkTables}. Each request is recorded; each receive hands out the next scripted datagram, a length
 * longer than the buffer, "deadline passed" (-1) or an {@link IOException}. The script is shared by every channel
 * its {@link #opener()} opens, as a kernel's state is shared by every socket.
 */
final class ScriptedChannel implements SockDiagChannel {

    /** What {@link #receive} does next. */
    static final class Step {
        final byte[] datagram;
        final int length;
        final IOException failure;

        private Step(byte[] datagram, int length, IOException failure) {
            this.datagram = datagram;
            this.length = length;
            this.failure = failure;
        }

        static Step datagram(byte[] bytes) {
            return new Step(bytes, bytes.length, null);
        }

        /** A datagram of {@code length} bytes that did not fit (MSG_TRUNC). */
        static Step tooLong(int length) {
            return new Step(null, length, null);
        }

        static Step deadline() {
            return new Step(null, -1, null);
        }

        static Step failure(IOException e) {
            return new Step(null, 0, e);
        }
    }

    /** The script and what happened, shared by the channels of one opener. */
    static final class Kernel {
        final Deque<Step> steps = new ArrayDeque<>();
        /** {@code family/protocol} of each request, e.g. {@code 2/6}. */
        final List<String> requests = new ArrayList<>();
        final List<ScriptedChannel> opened = new ArrayList<>();
        int bufferBytes = 4096;

        Kernel answer(byte[]... datagrams) {
            for (byte[] d : datagrams) {
                steps.add(Step.datagram(d));
            }
            return this;
        }

        Kernel then(Step step) {
            steps.add(step);
            return this;
        }

        SockDiagChannel.Opener opener() {
            return () -> {
                ScriptedChannel c = new ScriptedChannel(this);
                opened.add(c);
                return c;
            };
        }
    }

    private final Kernel kernel;
    private ByteBuffer buffer;
    boolean closed;

    private ScriptedChannel(Kernel kernel) {
        this.kernel = kernel;
        this.buffer = ByteBuffer.allocate(kernel.bufferBytes);
    }

    @Override
    public void send(ByteBuffer request) throws IOException {
        if (closed) {
            throw new IOException("send on a closed channel");
        }
        ByteBuffer r = request.duplicate().order(ByteOrder.nativeOrder());
        int p = r.position();
        if (r.getInt(p) != SockDiagRequest.LENGTH || r.getShort(p + 4) != SockDiagRequest.SOCK_DIAG_BY_FAMILY
                || r.getShort(p + 6) != (SockDiagRequest.NLM_F_REQUEST | SockDiagRequest.NLM_F_DUMP)
                || r.getInt(p + 20) != SockDiagRequest.ALL_STATES) {
            throw new IOException("not a sock_diag dump request of every state");
        }
        kernel.requests.add(r.get(p + 16) + "/" + r.get(p + 17));
    }

    @Override
    public int receive(long deadlineNanos) throws IOException {
        if (closed) {
            throw new IOException("receive on a closed channel");
        }
        Step step = kernel.steps.poll();
        if (step == null) {
            throw new IOException("the script has no more answers");
        }
        if (step.failure != null) {
            throw step.failure;
        }
        if (step.datagram != null) {
            buffer.clear();
            buffer.put(step.datagram);
            buffer.clear();
        }
        return step.length;
    }

    @Override
    public ByteBuffer buffer() {
        return buffer;
    }

    @Override
    public void grow(int capacity) {
        buffer = ByteBuffer.allocate(capacity);
    }

    @Override
    public void close() {
        closed = true;
    }
}
