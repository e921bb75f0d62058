package io.portwatch.scan.macos;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.Union;

/**
 * The {@code <sys/proc_info.h>} structures that the macOS source reads, as JNA structures. Defined
 * here, not taken from jna-platform's {@code SystemB}, so that an older jna-platform brought by the
 * application cannot change them.
 *
 * <p>Layouts from {@code bsd/sys/proc_info.h} of xnu (apple-oss-distributions/xnu, the header the
 * macOS SDK ships as {@code <sys/proc_info.h>}, unchanged in these parts from macOS 10.x to 14),
 * for the LP64 ABI of both x86_64 and arm64 Macs: natural alignment, little-endian. Sizes, which
 * {@code ProcInfoStructuresTest} checks: {@code proc_fileinfo} 24,
 * {@code vinfo_stat} 136, {@code sockbuf_info} 24, {@code in_sockinfo} 80, {@code tcp_sockinfo} 120,
 * {@code un_sockinfo} 528, {@code socket_info} 768, {@code socket_fdinfo} 792 (=
 * {@code PROC_PIDFDSOCKETINFO_SIZE}), {@code proc_bsdinfo} 136.
 *
 * <p>{@code struct proc_fdinfo} (8 bytes: {@code int32_t proc_fd; uint32_t proc_fdtype;}) is read by
 * {@link MacSockets#socketFds} without a structure. Field names are the header's, hence not Java style.
 */
public final class ProcInfoStructures {

    private ProcInfoStructures() {
    }

    /** {@code struct proc_fileinfo}. */
    @FieldOrder({"fi_openflags", "fi_status", "fi_offset", "fi_type", "fi_guardflags"})
    public static class ProcFileInfo extends Structure {
        public int fi_openflags;
        public int fi_status;
        public long fi_offset;
        public int fi_type;
        public int fi_guardflags;
    }

    /** {@code struct vinfo_stat}: a stat64 with fixed-size fields. */
    @FieldOrder({"vst_dev", "vst_mode", "vst_nlink", "vst_ino", "vst_uid", "vst_gid", "vst_atime", "vst_atimensec",
            "vst_mtime", "vst_mtimensec", "vst_ctime", "vst_ctimensec", "vst_birthtime", "vst_birthtimensec",
            "vst_size", "vst_blocks", "vst_blksize", "vst_flags", "vst_gen", "vst_rdev", "vst_qspare"})
    public static class VinfoStat extends Structure {
        public int vst_dev;
        public short vst_mode;
        public short vst_nlink;
        public long vst_ino;
        public int vst_uid;
        public int vst_gid;
        public long vst_atime;
        public long vst_atimensec;
        public long vst_mtime;
        public long vst_mtimensec;
        public long vst_ctime;
        public long vst_ctimensec;
        public long vst_birthtime;
        public long vst_birthtimensec;
        public long vst_size;
        public long vst_blocks;
        public int vst_blksize;
        public int vst_flags;
        public int vst_gen;
        public int vst_rdev;
        public long[] vst_qspare = new long[2];
    }

    /** {@code struct sockbuf_info}. */
    @FieldOrder({"sbi_cc", "sbi_hiwat", "sbi_mbcnt", "sbi_mbmax", "sbi_lowat", "sbi_flags", "sbi_timeo"})
    public static class SockbufInfo extends Structure {
        public int sbi_cc;
        public int sbi_hiwat;
        public int sbi_mbcnt;
        public int sbi_mbmax;
        public int sbi_lowat;
        public short sbi_flags;
        public short sbi_timeo;
    }

    /** The anonymous {@code insi_v6} struct of {@code in_sockinfo}: its int makes it 4-aligned. */
    @FieldOrder({"in6_hlim", "in6_cksum", "in6_ifindex", "in6_hops"})
    public static class InSockInfoV6 extends Structure {
        public byte in6_hlim;
        public int in6_cksum;
        public short in6_ifindex;
        public short in6_hops;
    }

    /**
     * {@code struct in_sockinfo}. The address unions ({@code union { struct in4in6_addr ina_46; struct
     * in6_addr ina_6; }}) are both 16 bytes with the same start, so each is read as its 16 raw bytes:
     * an IPv6 address is all of them ({@code ina_6}), an IPv4 address the last four
     * ({@code ina_46.i46a_addr4}, after three 32-bit pads). {@code insi_vflag} says which.
     */
    @FieldOrder({"insi_fport", "insi_lport", "insi_gencnt", "insi_flags", "insi_flow", "insi_vflag", "insi_ip_ttl",
            "rfu_1", "insi_faddr", "insi_laddr", "insi_v4_in4_tos", "insi_v6"})
    public static class InSockInfo extends Structure {
        /** Foreign port, in network byte order in the low 16 bits. */
        public int insi_fport;
        /** Local port, in network byte order in the low 16 bits. */
        public int insi_lport;
        public long insi_gencnt;
        public int insi_flags;
        public int insi_flow;
        /** {@link #INI_IPV4} and/or {@link #INI_IPV6}. */
        public byte insi_vflag;
        public byte insi_ip_ttl;
        public int rfu_1;
        public byte[] insi_faddr = new byte[16];
        public byte[] insi_laddr = new byte[16];
        /** The one-member struct {@code insi_v4 { u_char in4_tos; }}. */
        public byte insi_v4_in4_tos;
        public InSockInfoV6 insi_v6;

        public static final int INI_IPV4 = 0x1;
        public static final int INI_IPV6 = 0x2;
    }

    /** {@code struct tcp_sockinfo}. */
    @FieldOrder({"tcpsi_ini", "tcpsi_state", "tcpsi_timer", "tcpsi_mss", "tcpsi_flags", "rfu_1", "tcpsi_tp"})
    public static class TcpSockInfo extends Structure {
        public InSockInfo tcpsi_ini;
        /** {@code TSI_S_*}, the {@code TCPS_*} codes of {@code <netinet/tcp_fsm.h>}. */
        public int tcpsi_state;
        /** {@code TSI_T_NTIMERS} = 4. */
        public int[] tcpsi_timer = new int[4];
        public int tcpsi_mss;
        public int tcpsi_flags;
        public int rfu_1;
        public long tcpsi_tp;
    }

    /**
     * {@code struct un_sockinfo}, the largest member of the {@code soi_proto} union, so it fixes the
     * union's size: two 64-bit handles and two {@code SOCK_MAXADDRLEN} (255) byte address unions, 526
     * bytes padded to 528.
     */
    @FieldOrder({"unsi_conn_so", "unsi_conn_pcb", "unsi_addr", "unsi_caddr"})
    public static class UnSockInfo extends Structure {
        public long unsi_conn_so;
        public long unsi_conn_pcb;
        public byte[] unsi_addr = new byte[255];
        public byte[] unsi_caddr = new byte[255];
    }

    /**
     * The {@code soi_proto} union of {@code socket_info}. Only {@code pri_in} and {@code pri_tcp} are
     * read; {@code pri_un} is here for the union's size. The other members ({@code ndrv_info} 24,
     * {@code kern_event_info} 12, {@code kern_ctl_info} 120, {@code vsock_sockinfo} 16 bytes) are
     * smaller and never read. {@link SocketInfo#read()} picks the member by {@code soi_kind}.
     */
    @FieldOrder({"pri_in", "pri_tcp", "pri_un"})
    public static class SocketInfoProto extends Union {
        public InSockInfo pri_in;
        public TcpSockInfo pri_tcp;
        public UnSockInfo pri_un;
    }

    /** {@code struct socket_info}. */
    @FieldOrder({"soi_stat", "soi_so", "soi_pcb", "soi_type", "soi_protocol", "soi_family", "soi_options",
            "soi_linger", "soi_state", "soi_qlen", "soi_incqlen", "soi_qlimit", "soi_timeo", "soi_error",
            "soi_oobmark", "soi_rcv", "soi_snd", "soi_kind", "rfu_1", "soi_proto"})
    public static class SocketInfo extends Structure {
        public static final int SOCKINFO_IN = 1;
        public static final int SOCKINFO_TCP = 2;

        public VinfoStat soi_stat;
        /** Opaque kernel handle of the socket: the same socket has it in every process holding it. */
        public long soi_so;
        public long soi_pcb;
        public int soi_type;
        public int soi_protocol;
        public int soi_family;
        public short soi_options;
        public short soi_linger;
        public short soi_state;
        public short soi_qlen;
        public short soi_incqlen;
        public short soi_qlimit;
        public short soi_timeo;
        public short soi_error;
        public int soi_oobmark;
        public SockbufInfo soi_rcv;
        public SockbufInfo soi_snd;
        public int soi_kind;
        public int rfu_1;
        public SocketInfoProto soi_proto;

        /** Reads {@code soi_kind} first, so that the union's member for that kind is the one read. */
        @Override
        public void read() {
            int kind = getPointer().getInt(fieldOffset("soi_kind"));
            if (kind == SOCKINFO_TCP) {
                soi_proto.setType(TcpSockInfo.class);
            } else if (kind == SOCKINFO_IN) {
                soi_proto.setType(InSockInfo.class);
            } else {
                soi_proto.setType(UnSockInfo.class);
            }
            super.read();
        }
    }

    /** {@code struct socket_fdinfo}: what {@code proc_pidfdinfo(PROC_PIDFDSOCKETINFO)} fills in. */
    @FieldOrder({"pfi", "psi"})
    public static class SocketFdInfo extends Structure {
        public ProcFileInfo pfi;
        public SocketInfo psi;

        public SocketFdInfo() {
        }

        /** The structure over memory the caller filled; call {@link #read()} to decode it. */
        public SocketFdInfo(Pointer p) {
            super(p);
        }
    }

    /** {@code struct proc_bsdinfo}: what {@code proc_pidinfo(PROC_PIDTBSDINFO)} fills in. */
    @FieldOrder({"pbi_flags", "pbi_status", "pbi_xstatus", "pbi_pid", "pbi_ppid", "pbi_uid", "pbi_gid", "pbi_ruid",
            "pbi_rgid", "pbi_svuid", "pbi_svgid", "rfu_1", "pbi_comm", "pbi_name", "pbi_nfiles", "pbi_pgid",
            "pbi_pjobc", "e_tdev", "e_tpgid", "pbi_nice", "pbi_start_tvsec", "pbi_start_tvusec"})
    public static class ProcBsdInfo extends Structure {
        public int pbi_flags;
        public int pbi_status;
        public int pbi_xstatus;
        public int pbi_pid;
        public int pbi_ppid;
        public int pbi_uid;
        public int pbi_gid;
        public int pbi_ruid;
        public int pbi_rgid;
        public int pbi_svuid;
        public int pbi_svgid;
        public int rfu_1;
        /** {@code MAXCOMLEN} = 16. */
        public byte[] pbi_comm = new byte[16];
        public byte[] pbi_name = new byte[32];
        public int pbi_nfiles;
        public int pbi_pgid;
        public int pbi_pjobc;
        public int e_tdev;
        public int e_tpgid;
        public int pbi_nice;
        public long pbi_start_tvsec;
        public long pbi_start_tvusec;

        public ProcBsdInfo() {
        }

        /** The structure over memory the caller filled; call {@link #read()} to decode it. */
        public ProcBsdInfo(Pointer p) {
            super(p);
        }
    }
}
