import {
  createHash,
  generateKeyPairSync,
  KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import { JsonObject, KubeObject } from '../api/types';
import { ObjectStore } from '../storage/store';
import {
  ALL_AUTHENTICATED,
  serviceAccountGroups,
  serviceAccountUsername,
  UserInfo,
} from './user';

/** kube-apiserver's default issuer and API audience (`--service-account-issuer`). */
export const ISSUER = 'https://kubernetes.default.svc';
export const API_AUDIENCES = [ISSUER];

/** What a bound ServiceAccount token is bound to (TokenRequest spec.boundObjectRef). */
interface BoundRef {
  name: string;
  uid: string;
}

interface Claims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti: string;
  nbf: number;
  sub: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: BoundRef;
    pod?: BoundRef;
    secret?: BoundRef;
    node?: BoundRef;
  };
}

/** Why a token does not authenticate, as kube-apiserver words it. */
export class TokenError extends Error {}

/** go-jose's default leeway on exp and nbf. */
const LEEWAY = 60;

/** A list of strings as Go's %q prints it. */
const goQuoted = (values: string[]) =>
  `[${values.map(v => JSON.stringify(v)).join(' ')}]`;

const b64url = (data: Buffer | string) =>
  Buffer.from(data).toString('base64url');

/**
 * Issues and verifies ServiceAccount tokens the way kube-apiserver does: ES256 JWTs with the
 * `kubernetes.io` claims, valid only while the ServiceAccount (and the object the token is bound
 * to) still exists with the uid it had when the token was issued. The signing key lives as long
 * as the emulator process.
 */
export class ServiceAccountTokens {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly kid: string;

  constructor(private readonly store: ObjectStore) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
    });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.kid = createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('base64url');
  }

  /** A signed token for a ServiceAccount, optionally bound to a Pod, Secret or Node. */
  issue(
    sa: KubeObject,
    audiences: string[],
    expirationSeconds: number,
    bound?: { kind: string; object: KubeObject },
    now = new Date(),
  ): string {
    const iat = Math.floor(now.getTime() / 1000);
    const ref = (o: KubeObject): BoundRef => ({
      name: o.metadata.name,
      uid: o.metadata.uid,
    });
    const k8s: Claims['kubernetes.io'] = {
      namespace: sa.metadata.namespace,
      serviceaccount: ref(sa),
    };
    if (bound?.kind === 'Pod') {
      k8s.pod = ref(bound.object);
      const nodeName = bound.object.spec?.nodeName;
      const node =
        nodeName && this.store.get('nodes', undefined, nodeName as string);
      if (nodeName) k8s.node = node ? ref(node) : { name: nodeName, uid: '' };
    }
    if (bound?.kind === 'Secret') k8s.secret = ref(bound.object);
    if (bound?.kind === 'Node') k8s.node = ref(bound.object);
    const claims: Claims = {
      aud: audiences,
      exp: iat + expirationSeconds,
      iat,
      iss: ISSUER,
      jti: randomUUID(),
      'kubernetes.io': k8s,
      nbf: iat,
      sub: serviceAccountUsername(sa.metadata.namespace, sa.metadata.name),
    };
    const input = `${b64url(
      JSON.stringify({ alg: 'ES256', kid: this.kid }),
    )}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${b64url(signature)}`;
  }

  /**
   * The user a token authenticates as, and the audiences it was accepted for (those of `audiences`
   * it carries). Throws a TokenError, worded as kube-apiserver's JWT authenticator, when it does not
   * authenticate; undefined when the token is no JWT of this issuer at all.
   */
  authenticate(
    token: string,
    audiences: string[] = API_AUDIENCES,
    now = new Date(),
  ): { user: UserInfo; audiences: string[] } | undefined {
    const claims = this.verifiedClaims(token);
    if (!claims) return undefined;
    const accepted = audiences.filter(a => claims.aud.includes(a));
    if (!accepted.length) {
      throw new TokenError(
        `token audiences ${goQuoted(
          claims.aud,
        )} is invalid for the target audiences ${goQuoted(audiences)}`,
      );
    }
    const t = Math.floor(now.getTime() / 1000);
    if (t >= claims.exp + LEEWAY)
      throw new TokenError('service account token has expired');
    if (t < claims.nbf - LEEWAY)
      throw new TokenError('service account token is not valid yet');
    const k8s = claims['kubernetes.io'];
    const ns = k8s.namespace;
    const sa = this.store.get('serviceaccounts', ns, k8s.serviceaccount.name);
    if (!sa)
      throw new TokenError(
        `serviceaccounts "${k8s.serviceaccount.name}" not found`,
      );
    if (sa.metadata.uid !== k8s.serviceaccount.uid) {
      throw new TokenError(
        `service account UID (${sa.metadata.uid}) does not match claim (${k8s.serviceaccount.uid})`,
      );
    }
    if (sa.metadata.deletionTimestamp)
      throw new TokenError(
        `service account ${ns}/${k8s.serviceaccount.name} has been deleted`,
      );
    const extra: Record<string, string[]> = {
      'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`],
    };
    if (k8s.secret) this.checkBound('secrets', 'secret', ns, k8s.secret);
    if (k8s.pod) {
      this.checkBound('pods', 'pod', ns, k8s.pod);
      extra['authentication.kubernetes.io/pod-name'] = [k8s.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [k8s.pod.uid];
    }
    if (k8s.node) {
      if (!k8s.pod) this.checkBound('nodes', 'node', undefined, k8s.node);
      extra['authentication.kubernetes.io/node-name'] = [k8s.node.name];
      if (k8s.node.uid)
        extra['authentication.kubernetes.io/node-uid'] = [k8s.node.uid];
    }
    return {
      user: {
        username: serviceAccountUsername(ns, k8s.serviceaccount.name),
        uid: k8s.serviceaccount.uid,
        groups: [...serviceAccountGroups(ns), ALL_AUTHENTICATED],
        extra,
      },
      audiences: accepted,
    };
  }

  private checkBound(
    resource: string,
    what: string,
    namespace: string | undefined,
    ref: BoundRef,
  ) {
    const obj = this.store.get(resource, namespace, ref.name);
    if (!obj || obj.metadata.deletionTimestamp)
      throw new TokenError('service account token has been invalidated');
    if (obj.metadata.uid !== ref.uid) {
      throw new TokenError(
        `${what} UID (${obj.metadata.uid}) does not match service account ${what} ref claim (${ref.uid})`,
      );
    }
  }

  private verifiedClaims(token: string): Claims | undefined {
    const [header, payload, signature, ...rest] = token.split('.');
    let claims: Claims;
    try {
      const h: JsonObject = JSON.parse(
        Buffer.from(header, 'base64url').toString(),
      );
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      if (rest.length || signature === undefined || !h.alg) return undefined;
    } catch {
      return undefined;
    }
    if (claims.iss !== ISSUER) return undefined;
    const ok = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key: this.publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    if (!ok)
      throw new TokenError('go-jose/go-jose: error in cryptographic primitive');
    return claims;
  }
}
