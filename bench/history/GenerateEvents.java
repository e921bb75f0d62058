import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * Writes a synthetic portwatch events file of about the given size (benchmark input for report-1gb.sh):
 * 30 days of open/state/close/listen events from 200 processes of 20 users, local server ports and
 * ephemeral ports, and 50 000 remote addresses with a skewed (Zipf-like) popularity, so that the report's
 * bounded counters go beyond their exact range. Deterministic (fixed seed).
 *
 * Usage: java GenerateEvents.java OUTPUT.csv BYTES
 */
public class GenerateEvents {
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        long target = Long.parseLong(args[1]);
        SplittableRandom random = new SplittableRandom(42);
        DateTimeFormatter time = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
        String[] events = {"open", "open", "state", "close", "close", "listen", "unlisten"};
        String[] processes = new String[200];
        String[] paths = new String[200];
        for (int i = 0; i < processes.length; i++) {
            processes[i] = i == 0 ? "sshd" : i == 1 ? "java" : i == 2 ? "nginx" : "svc" + i;
            paths[i] = "/usr/sbin/" + processes[i];
        }
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        long span = 30L * 24 * 3600 * 1000;
        long written = 0;
        long rows = 0;
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(out), StandardCharsets.UTF_8), 1 << 20)) {
            String header = "time,event,protocol,localAddress,localPort,remoteAddress,remotePort,state,previousState,pid,process,user,exePath\n";
            w.write(header);
            written += header.length();
            StringBuilder b = new StringBuilder(256);
            while (written < target) {
                long t = start + (long) ((double) rows / (target / 140.0) * span) + random.nextInt(1000);
                String event = events[random.nextInt(events.length)];
                int p = (int) Math.min(processes.length - 1, Math.floor(Math.pow(random.nextDouble(), 3) * processes.length));
                boolean listener = event.equals("listen") || event.equals("unlisten");
                boolean udp = random.nextInt(10) == 0;
                int server = new int[] {22, 80, 443, 5432, 8080, 9090, 53}[random.nextInt(7)];
                int localPort = listener || random.nextBoolean() ? server : 32768 + random.nextInt(28000);
                int remote = (int) Math.floor(Math.pow(random.nextDouble(), 4) * 50_000);
                String remoteAddress = listener ? "0.0.0.0" : remote % 5 == 0 ? "10." + (remote >> 16 & 255) + "." + (remote >> 8 & 255)
                        + "." + (remote & 255) : "198." + (18 + (remote >> 16 & 1)) + "." + (remote >> 8 & 255) + "." + (remote & 255);
                int remotePort = listener ? 0 : localPort == server ? 32768 + random.nextInt(28000) : server;
                String state = listener ? (udp ? "UNCONN" : "LISTEN") : event.equals("state") ? "TIME_WAIT" : "ESTABLISHED";
                String exe = p == 0 && random.nextInt(1000) == 0 ? "/tmp/.x/sshd" : paths[p];
                b.setLength(0);
                b.append(time.format(Instant.ofEpochMilli(t))).append(',').append(event).append(',').append(udp ? "udp" : "tcp")
                        .append(",10.0.0.").append(1 + p % 250).append(',').append(localPort).append(',').append(remoteAddress)
                        .append(',').append(remotePort).append(',').append(state).append(',')
                        .append(event.equals("state") ? "ESTABLISHED" : "").append(',').append(1000 + p * 7).append(',')
                        .append(processes[p]).append(',').append("user").append(p % 20).append(',').append(exe).append('\n');
                w.append(b);
                written += b.length();
                rows++;
            }
        }
        System.out.println("wrote " + rows + " rows, " + written + " bytes to " + out);
    }
}
