import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { sandboxSpecSchema } from '@kars-portal/plugin-kars-common';
import { startKubeEmulator } from '@kars-portal/kube-emulator';
import { DEFAULT_NODE_POOLS, startWorkloadSimulator } from '@kars-portal/workload-simulator';
import { renderDeployment } from '../../plugins/kars-backend/src/render/deployment';
import { renderNamespace } from '../../plugins/kars-backend/src/render/namespace';
import { testClusterSettings } from '../../plugins/kars-backend/src/__testUtils__/clusters';
import { tenant } from '../lib/tenants';
const counts = new Map<string, number>();
let bytes = 0;
for (const S of [http.Server, https.Server]) {
  const emit = S.prototype.emit;
  S.prototype.emit = function (this: any, ev: string, ...a: any[]) {
    if (ev === 'request') {
      const req = a[0] as http.IncomingMessage; const res = a[1] as http.ServerResponse;
      const u = new URL(req.url!, 'http://x');
      const watch = u.searchParams.get('watch') ? ' WATCH' : '';
      const p = u.pathname.replace(/namespaces\/[^/]+/, 'namespaces/NS').replace(/\/(pods|replicasets|deployments|events|nodes|leases)\/[^/]+/, '/$1/NAME');
      const k = `${req.method}${watch} ${p}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
      const w = res.write; res.write = function (this: any, c: any, ...r: any[]) { bytes += c?.length ?? 0; return (w as any).call(this, c, ...r); } as any;
    }
    return (emit as any).call(this, ev, ...a);
  } as any;
}
async function main() {
  const count = Number(process.argv[2] ?? 200);
  const emulator = await startKubeEmulator({});
  const kubeConfig = new KubeConfig(); kubeConfig.loadFromString(emulator.kubeconfigYaml);
  const simulator = await startWorkloadSimulator({ kubeConfig, readyDelayMs: 500, nodePools: DEFAULT_NODE_POOLS.map(pool => ({ ...pool, nodes: Math.max(pool.nodes, Math.ceil(count / 100) + 1), capacity: { cpu: '64', memory: '256Gi', pods: '110' } })) });
  const cluster = testClusterSettings();
  const req = async (method: string, path: string, body: unknown) => { const r = await fetch(emulator.url + path, { method, headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }); if (!r.ok) throw new Error(String(r.status)); await r.text(); };
  counts.clear();
  for (let i = 0; i < count; i++) {
    const { name, spec } = tenant(i);
    const input = { name, spec: sandboxSpecSchema.parse(spec), cluster, sandboxUid: `uid-${i}` };
    await req('POST', '/api/v1/namespaces', renderNamespace(input));
    const d = renderDeployment(input);
    await req('POST', `/apis/apps/v1/namespaces/${d.metadata.namespace}/deployments`, d);
  }
  await new Promise(r => setTimeout(r, 60000));
  const rows = [...counts].sort((a, b) => b[1] - a[1]);
  for (const [k, v] of rows) console.log(String(v).padStart(7), (v / count).toFixed(2).padStart(7), k);
  console.log('bytes written', bytes, 'per deployment', Math.round(bytes / count));
  simulator.stop?.(); process.exit(0);
}
main();
