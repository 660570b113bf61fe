/**
 * The permessage-deflate extension (RFC 7692): its negotiation in the opening handshake
 * ({@link org.wsbyhand.protocol.deflate.DeflateNegotiation}), this side's policy
 * ({@link org.wsbyhand.protocol.deflate.DeflateOptions}), the parameters both sides agreed on
 * ({@link org.wsbyhand.protocol.deflate.DeflateParameters}), and the compression and decompression
 * of one connection's messages ({@link org.wsbyhand.protocol.deflate.PerMessageDeflate}), which a
 * {@link org.wsbyhand.protocol.Connection} applies when it is given one.
 * {@link org.wsbyhand.protocol.deflate.DeflateCompressor} compresses with any LZ77 window from
 * 256 bytes to 32 KiB, where {@link java.util.zip.Deflater} always uses 32 KiB.
 */
package org.wsbyhand.protocol.deflate;
