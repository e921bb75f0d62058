package io.portwatch.http;

import org.mindrot.jbcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * The one user allowed on an endpoint, with a bcrypt hash of its password (as Prometheus'
 * exporter-toolkit {@code basic_auth_users} takes them) or, discouraged, the plain text.
 *
 * <p>bcrypt is slow on purpose (tens of milliseconds a check), so a client could burn the host's
 * CPU with wrong passwords: at most one bcrypt check runs at a time per endpoint, a request that
 * arrives while one runs is told at once to come back ({@link Verdict#BUSY}, no thread waits), and the last
 * accepted {@code Authorization} header is remembered (as a SHA-256 digest) so that a scraper
 * sending the same header every interval costs one hash, not one bcrypt run.
 */
public final class Credentials {

    /** {@code $2a$}, {@code $2b$} or {@code $2y$}, cost, 22 characters of salt and 31 of hash. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}");
    /** bcrypt reads only this many bytes of a password. */
    static final int BCRYPT_MAX_BYTES = 72;
    private static final int COST = 10;

    /** What a request's {@code Authorization} header is worth. */
    public enum Verdict { ACCEPTED, REFUSED, BUSY }

    private final byte[] user;
    private final String hash;        // null for a plain-text password
    private final byte[] plain;       // null for a bcrypt hash
    private final Semaphore bcryptTurn = new Semaphore(1);
    private final AtomicReference<byte[]> lastAccepted = new AtomicReference<>(new byte[0]);

    private Credentials(String user, String hash, byte[] plain) {
        this.user = user.getBytes(StandardCharsets.UTF_8);
        this.hash = hash;
        this.plain = plain;
    }

    /**
     * @param user     the user name
     * @param password a bcrypt hash, or the plain password
     */
    public static Credentials of(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (isBcryptHash(password)) {
            return new Credentials(user, password, null);
        }
        return new Credentials(user, null, password.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the text has the form of a bcrypt hash. */
    public static boolean isBcryptHash(String text) {
        return BCRYPT.matcher(text).matches();
    }

    /** Whether the password was given in plain text (worth a warning). */
    public boolean plainText() {
        return plain != null;
    }

    /** A new bcrypt hash of {@code password} ({@code $2a$}, cost 10) for the settings. */
    public static String hash(String password) {
        if (password.getBytes(StandardCharsets.UTF_8).length > BCRYPT_MAX_BYTES) {
            throw new IllegalArgumentException("a password longer than " + BCRYPT_MAX_BYTES
                    + " bytes: bcrypt would ignore the rest");
        }
        return BCrypt.hashpw(password, BCrypt.gensalt(COST));
    }

    /** Judges an {@code Authorization} header value (null when absent). */
    public Verdict check(String authorization) {
        if (authorization == null || authorization.length() > 1024
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Verdict.REFUSED;
        }
        byte[] digest = sha256(authorization);
        if (MessageDigest.isEqual(digest, lastAccepted.get())) {
            return Verdict.ACCEPTED;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Verdict.REFUSED;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Verdict.REFUSED;
        }
        boolean userOk = MessageDigest.isEqual(user, decoded.substring(0, colon).getBytes(StandardCharsets.UTF_8));
        String given = decoded.substring(colon + 1);
        Verdict verdict = plain != null ? plainCheck(given) : bcryptCheck(given);
        if (verdict == Verdict.ACCEPTED && userOk) {
            lastAccepted.set(digest);
            return Verdict.ACCEPTED;
        }
        return verdict == Verdict.BUSY ? Verdict.BUSY : Verdict.REFUSED;
    }

    private Verdict plainCheck(String given) {
        return MessageDigest.isEqual(plain, given.getBytes(StandardCharsets.UTF_8)) ? Verdict.ACCEPTED : Verdict.REFUSED;
    }

    private Verdict bcryptCheck(String given) {
        if (!bcryptTurn.tryAcquire()) {
            return Verdict.BUSY; // answered at once: a worker thread never waits for another client's check
        }
        try {
            // $2b$ and $2y$ hash like $2a$ in a correct implementation; jBCrypt knows only the $2a$ name
            String asA = "$2a$" + hash.substring(4);
            String computed = BCrypt.hashpw(given, asA);
            return MessageDigest.isEqual(asA.getBytes(StandardCharsets.US_ASCII),
                    computed.getBytes(StandardCharsets.US_ASCII)) ? Verdict.ACCEPTED : Verdict.REFUSED;
        } catch (IllegalArgumentException e) {
            return Verdict.REFUSED;
        } finally {
            bcryptTurn.release();
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
