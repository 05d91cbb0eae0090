import { KubeApiError, KubeGateway } from '@kars-portal/plugin-kars-node';

const WRITES = ['create', 'replace', 'apply', 'mergePatch', 'delete'] as const;
type Method = keyof KubeGateway;

/**
 * Wraps a gateway to count its calls and, when told, to fail some of them the way a flaky API
 * server would (500s, timeouts, conflicts).
 */
export class CountingGateway {
  readonly calls: Array<{ method: Method; kind: string; name?: string }> = [];
  private faults: Array<{
    method: Method;
    times: number;
    error: () => Error;
    kind?: string;
  }> = [];
  readonly gateway: KubeGateway;

  constructor(inner: KubeGateway) {
    const calls = this.calls;
    const faults = () => this.faults;
    this.gateway = new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: any[]) => {
          const method = property as Method;
          const first = args[0] ?? {};
          const kind = typeof first === 'string' ? args[1] : first.kind;
          const name = first?.metadata?.name ?? first?.name;
          calls.push({ method, kind, name });
          const fault = faults().find(
            f =>
              f.method === method &&
              f.times > 0 &&
              (!f.kind || f.kind === kind),
          );
          if (fault) {
            fault.times--;
            throw fault.error();
          }
          return value.apply(target, args);
        };
      },
    });
  }

  /** Calls that change something on the server (Leases excluded: leader election renews them). */
  writes() {
    return this.calls.filter(
      c =>
        (WRITES as readonly string[]).includes(c.method) && c.kind !== 'Lease',
    );
  }

  reset() {
    this.calls.length = 0;
  }

  failNext(
    method: Method,
    times: number,
    error: () => Error = () =>
      new KubeApiError(500, 'InternalError', 'injected failure'),
    kind?: string,
  ) {
    this.faults.push({ method, times, error, kind });
  }
}
