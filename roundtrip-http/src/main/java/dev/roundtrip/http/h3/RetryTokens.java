package dev.roundtrip.http.h3;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The address-validation tokens of an HTTP/3 listener's QUIC Retry packets (RFC 9000 section
 * 8.1.2): {@code expiry (8 bytes) | HMAC-SHA256(key, expiry | client address | original DCID) (32)
 * | original DCID}. The key is random per listener start, so a token is only good at this process,
 * for this client address, until it expires. quiche asks {@link #validateToken} for the offset of
 * the original connection id, or -1 to send a new Retry.
 */
public final class RetryTokens implements QuicTokenHandler {
    /** No address validation: quiche never sends a Retry, and a client's token is ignored. */
    public static final QuicTokenHandler NONE = new QuicTokenHandler() {
        @Override
        public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
            return false;
        }

        @Override
        public int validateToken(ByteBuf token, InetSocketAddress address) {
            return 0;
        }

        @Override
        public int maxTokenLength() {
            return 0;
        }
    };

    private static final int MAC_BYTES = 32;
    private static final int MAX_CID = 20;

    private final SecretKeySpec key;
    private final java.util.concurrent.atomic.AtomicLong issued = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
    private final long lifetimeMillis;
    private final LongSupplier wallMillis;

    public RetryTokens(Duration lifetime, LongSupplier wallMillis) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.lifetimeMillis = lifetime.toMillis();
        this.wallMillis = wallMillis;
    }

    @Override
    public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
        long expiry = wallMillis.getAsLong() + lifetimeMillis;
        byte[] cid = bytes(dcid, dcid.readerIndex(), dcid.readableBytes());
        out.writeLong(expiry);
        out.writeBytes(mac(expiry, address, cid));
        out.writeBytes(cid);
        issued.incrementAndGet();
        return true;
    }

    /** Retry packets sent (tokens written). */
    public long issued() {
        return issued.get();
    }

    /** Tokens that proved the client's address. */
    public long accepted() {
        return accepted.get();
    }

    /** Tokens refused: forged, expired, for another address, or from another process. */
    public long refused() {
        return refused.get();
    }

    @Override
    public int validateToken(ByteBuf token, InetSocketAddress address) {
        int offset = check(token, address);
        if (token.isReadable()) {
            (offset < 0 ? refused : accepted).incrementAndGet();
        }
        return offset;
    }

    private int check(ByteBuf token, InetSocketAddress address) {
        int start = token.readerIndex();
        int length = token.readableBytes();
        if (length < 8 + MAC_BYTES || length > maxTokenLength()) {
            return -1;
        }
        long expiry = token.getLong(start);
        if (expiry < wallMillis.getAsLong()) {
            return -1;
        }
        byte[] given = bytes(token, start + 8, MAC_BYTES);
        byte[] cid = bytes(token, start + 8 + MAC_BYTES, length - 8 - MAC_BYTES);
        return MessageDigest.isEqual(given, mac(expiry, address, cid)) ? 8 + MAC_BYTES : -1;
    }

    @Override
    public int maxTokenLength() {
        return 8 + MAC_BYTES + MAX_CID;
    }

    private byte[] mac(long expiry, InetSocketAddress address, byte[] cid) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            for (int i = 7; i >= 0; i--) {
                mac.update((byte) (expiry >>> (8 * i)));
            }
            mac.update(address.getAddress().getAddress());
            mac.update((byte) (address.getPort() >>> 8));
            mac.update((byte) address.getPort());
            mac.update(cid);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] bytes(ByteBuf buf, int index, int length) {
        byte[] out = new byte[length];
        buf.getBytes(index, out);
        return out;
    }
}
