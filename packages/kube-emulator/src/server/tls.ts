import { webcrypto } from 'node:crypto';
import { createServer as createNetServer, Server, Socket } from 'node:net';
import { RequestListener, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import * as x509 from '@peculiar/x509';

/** A serving certificate and its key, PEM. The certificate is its own CA. */
export interface ServingCert {
  cert: string;
  key: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/**
 * A self-signed ECDSA certificate for 127.0.0.1 and localhost, valid a year, that clients trust
 * as its own CA (the kubeconfig's certificate-authority-data).
 */
export async function selfSignedCert(now = new Date()): Promise<ServingCert> {
  const crypto = webcrypto as unknown as Crypto;
  const keys = (await crypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: Buffer.from(crypto.getRandomValues(new Uint8Array(16)))
        .toString('hex')
        .replace(/^[89a-f]/, '1'),
      name: 'CN=kars-kube-emulator',
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + 365 * 24 * 3600_000),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          { type: 'ip', value: '127.0.0.1' },
          { type: 'dns', value: 'localhost' },
        ]),
      ],
    },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  const key = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim()}\n-----END PRIVATE KEY-----\n`;
  return { cert: certificate.toString('pem'), key };
}

/**
 * One port that speaks HTTPS (what kubectl needs: client-go sends credentials over TLS only) and
 * plain HTTP (for local tools and tests): the first byte of a connection tells a TLS handshake
 * (0x16) from an HTTP request. TLS 1.2 at most: @kubernetes/client-node opens a connection per
 * request, and a resumed 1.2 session skips the key exchange (a fifth of each request's time here).
 */
export function dualProtocolServer(
  handler: RequestListener,
  tls: ServingCert,
): { server: Server; closeAll(): void } {
  const http = createHttpServer(handler);
  const https = createHttpsServer(
    { cert: tls.cert, key: tls.key, maxVersion: 'TLSv1.2' },
    handler,
  );
  for (const s of [http, https]) s.keepAliveTimeout = 30_000;
  const sockets = new Set<Socket>();
  const server = createNetServer(socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', chunk => {
      socket.pause();
      socket.unshift(chunk);
      (chunk[0] === 0x16 ? https : http).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  return {
    server,
    closeAll() {
      for (const socket of sockets) socket.destroy();
    },
  };
}
