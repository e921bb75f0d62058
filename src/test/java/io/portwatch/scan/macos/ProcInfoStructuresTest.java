package io.portwatch.scan.macos;

import com.sun.jna.Structure;
import io.portwatch.scan.macos.ProcInfoStructures.InSockInfo;
import io.portwatch.scan.macos.ProcInfoStructures.ProcBsdInfo;
import io.portwatch.scan.macos.ProcInfoStructures.ProcFileInfo;
import io.portwatch.scan.macos.ProcInfoStructures.SockbufInfo;
import io.portwatch.scan.macos.ProcInfoStructures.SocketFdInfo;
import io.portwatch.scan.macos.ProcInfoStructures.SocketInfo;
import io.portwatch.scan.macos.ProcInfoStructures.SocketInfoProto;
import io.portwatch.scan.macos.ProcInfoStructures.TcpSockInfo;
import io.portwatch.scan.macos.ProcInfoStructures.UnSockInfo;
import io.portwatch.scan.macos.ProcInfoStructures.VinfoStat;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Sizes and offsets of the {@code <sys/proc_info.h>} structures as JNA lays them out, against the
 * header (xnu {@code bsd/sys/proc_info.h}, LP64). The offsets were worked out by hand from the header's
 * types and natural alignment; {@code PROC_PIDFDSOCKETINFO_SIZE} is 792 on every 64-bit macOS.
 */
class ProcInfoStructuresTest {

    @Test
    void sizesAreThoseOfTheHeader() {
        assertEquals(24, new ProcFileInfo().size());
        assertEquals(136, new VinfoStat().size());
        assertEquals(24, new SockbufInfo().size());
        assertEquals(80, new InSockInfo().size());
        assertEquals(120, new TcpSockInfo().size());
        assertEquals(528, new UnSockInfo().size(), "526 bytes padded to 8");
        assertEquals(528, new SocketInfoProto().size(), "the union is as large as its largest member");
        assertEquals(768, new SocketInfo().size());
        assertEquals(792, new SocketFdInfo().size());
        assertEquals(792, MacSockets.SOCKET_FDINFO_SIZE);
        assertEquals(136, new ProcBsdInfo().size());
    }

    @Test
    void socketInfoOffsets() throws Exception {
        SocketInfo si = new SocketInfo();
        assertEquals(136, offset(si, "soi_so"));
        assertEquals(152, offset(si, "soi_type"));
        assertEquals(160, offset(si, "soi_family"));
        assertEquals(180, offset(si, "soi_oobmark"));
        assertEquals(184, offset(si, "soi_rcv"));
        assertEquals(232, offset(si, "soi_kind"));
        assertEquals(240, offset(si, "soi_proto"));
        assertEquals(24, offset(new SocketFdInfo(), "psi"));
        assertEquals(16, offset(new VinfoStat(), "vst_uid"));
    }

    @Test
    void inSockInfoOffsetsIncludingTheAlignedV6Struct() throws Exception {
        InSockInfo in = new InSockInfo();
        assertEquals(8, offset(in, "insi_gencnt"));
        assertEquals(24, offset(in, "insi_vflag"));
        assertEquals(28, offset(in, "rfu_1"));
        assertEquals(32, offset(in, "insi_faddr"));
        assertEquals(48, offset(in, "insi_laddr"));
        assertEquals(64, offset(in, "insi_v4_in4_tos"));
        assertEquals(68, offset(in, "insi_v6"), "the anonymous insi_v6 struct holds an int: 4-aligned");
        assertEquals(80, offset(new TcpSockInfo(), "tcpsi_state"));
        assertEquals(112, offset(new TcpSockInfo(), "tcpsi_tp"));
    }

    @Test
    void bsdInfoOffsets() throws Exception {
        ProcBsdInfo p = new ProcBsdInfo();
        assertEquals(20, offset(p, "pbi_uid"));
        assertEquals(48, offset(p, "pbi_comm"));
        assertEquals(64, offset(p, "pbi_name"));
        assertEquals(120, offset(p, "pbi_start_tvsec"));
    }

    private static int offset(Structure s, String field) throws Exception {
        Method m = Structure.class.getDeclaredMethod("fieldOffset", String.class);
        m.setAccessible(true);
        return (Integer) m.invoke(s, field);
    }
}
