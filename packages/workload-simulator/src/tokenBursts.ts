import { Obj } from './kube';

/**
 * The annotation that makes a sandbox's simulated router count a burst of input tokens, as if its
 * agent had just served a flood of requests:
 * `kubectl annotate deployment -n kars-a a workload-simulator.kars.azure.com/token-burst=150000`.
 * The value is the total of every burst so far: raising it counts the difference at the moment the
 * simulator sees the new value; lowering or removing it takes nothing back (counters only grow).
 */
export const TOKEN_BURST_ANNOTATION =
  'workload-simulator.kars.azure.com/token-burst';

interface Burst {
  atS: number;
  tokens: number;
}

/** The bursts the annotation asked for, per Deployment (by uid), each at the time it was seen. */
export class TokenBursts {
  private readonly bursts = new Map<string, Burst[]>();

  /** Records the growth of each Deployment's annotation since the last look, at `nowS`. */
  observe(deployments: Obj[], nowS: number): void {
    for (const d of deployments) {
      const uid = d.metadata?.uid;
      const value = Number(d.metadata?.annotations?.[TOKEN_BURST_ANNOTATION]);
      if (!uid || !Number.isSafeInteger(value) || value <= 0) continue;
      const seen = this.bursts.get(uid) ?? [];
      const counted = seen.reduce((sum, b) => sum + b.tokens, 0);
      if (value > counted) {
        this.bursts.set(uid, [...seen, { atS: nowS, tokens: value - counted }]);
      }
    }
  }

  /** The burst tokens a Deployment's router had counted by `tS`. */
  countedBy(uid: string | undefined, tS: number): number {
    return (uid ? this.bursts.get(uid) ?? [] : [])
      .filter(b => b.atS <= tS)
      .reduce((sum, b) => sum + b.tokens, 0);
  }
}
