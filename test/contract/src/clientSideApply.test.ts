import { behaviour, describeContract, TargetContext } from './lib/contract';
import { expectStatus, paths } from './lib/fixtures';

/**
 * `kubectl apply` (client side) and then `kubectl apply --server-side`, request by request as
 * kubectl sends them: the client-side apply writes the object with the last-applied annotation
 * under the manager `kubectl-client-side-apply`; the server-side one applies as `kubectl`, applies
 * the annotation as `kubectl-last-applied`, moves the client-side apply's fields to `kubectl` with
 * a JSON patch of managedFields (client-go csaupgrade) and applies again.
 */

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** JSON with the keys of every object sorted and a newline, as Go encodes an unstructured object. */
function goJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map(k => [k, sorted((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sorted(value))}\n`;
}

const configMap = (
  name: string,
  ns: string,
  data: Record<string, string>,
  extra: { labels?: Record<string, string>; note?: string } = {},
) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace: ns,
    labels: extra.labels ?? { app: 'demo' },
    annotations: { note: extra.note ?? 'hello' },
  },
  data,
});

/** `kubectl apply` creating the object: a POST carrying the last-applied annotation. */
async function clientSideCreate(t: TargetContext, config: any) {
  const body = {
    ...config,
    metadata: {
      ...config.metadata,
      annotations: {
        ...config.metadata.annotations,
        [LAST_APPLIED]: goJson(config),
      },
    },
  };
  const res = await t.raw.request('POST', paths.core(t.ns, 'configmaps'), {
    query: { fieldManager: 'kubectl-client-side-apply' },
    body,
  });
  expect(res.status).toBe(201);
  return res.json;
}

/** The union of two FieldsV1 trees. */
function unionFields(a: any = {}, b: any = {}): any {
  const out: any = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = unionFields(out[k], v);
  return out;
}

/** client-go csaupgrade: the client-side apply's Update entry is merged into kubectl's Apply entry. */
function upgradedManagedFields(managedFields: any[]): any[] {
  const csa = managedFields.find(
    m => m.manager === 'kubectl-client-side-apply' && m.operation === 'Update',
  );
  return managedFields
    .filter(m => m !== csa)
    .map(m =>
      m.manager === 'kubectl' && m.operation === 'Apply'
        ? { ...m, fieldsV1: unionFields(m.fieldsV1, csa?.fieldsV1) }
        : m,
    );
}

/** `kubectl apply --server-side` on an object a client-side apply made. */
async function serverSideApply(
  t: TargetContext,
  config: any,
  force: boolean,
): Promise<any> {
  const path = paths.core(t.ns, 'configmaps', config.metadata.name);
  const first = await t.raw.apply(path, config, 'kubectl', force);
  expect(first.status).toBe(200);
  const lastApplied = await t.raw.apply(
    path,
    {
      apiVersion: config.apiVersion,
      kind: config.kind,
      metadata: {
        name: config.metadata.name,
        namespace: config.metadata.namespace,
        annotations: {
          [LAST_APPLIED]:
            first.json.metadata.annotations[LAST_APPLIED] ?? goJson(config),
        },
      },
    },
    'kubectl-last-applied',
  );
  expect(lastApplied.status).toBe(200);
  const upgrade = await t.raw.request('PATCH', path, {
    query: { fieldManager: 'kubectl' },
    contentType: 'application/json-patch+json',
    body: [
      {
        op: 'replace',
        path: '/metadata/managedFields',
        value: upgradedManagedFields(lastApplied.json.metadata.managedFields),
      },
      {
        op: 'replace',
        path: '/metadata/resourceVersion',
        value: lastApplied.json.metadata.resourceVersion,
      },
    ],
  });
  expect(upgrade.status).toBe(200);
  const again = await t.raw.apply(path, config, 'kubectl', force);
  expect(again.status).toBe(200);
  return again.json;
}

const managers = (obj: any) =>
  obj.metadata.managedFields.map((m: any) => ({
    manager: m.manager,
    operation: m.operation,
    fieldsV1: m.fieldsV1,
  }));

describeContract('Client-side apply, then server-side apply', () => {
  behaviour(
    'kubectl apply then kubectl apply --server-side with the same configuration keeps the labels, annotations and data; kubectl owns them, the annotation stays with kubectl-last-applied',
    async t => {
      const config = configMap('csa-same', t.ns, { k: 'v' });
      await clientSideCreate(t, config);
      const res = await serverSideApply(t, config, false);
      expect(res.metadata.labels).toEqual({ app: 'demo' });
      expect(res.metadata.annotations).toEqual({
        note: 'hello',
        [LAST_APPLIED]: goJson(config),
      });
      expect(res.data).toEqual({ k: 'v' });
      expect(managers(res)).toEqual([
        {
          manager: 'kubectl',
          operation: 'Apply',
          fieldsV1: {
            'f:data': { 'f:k': {} },
            'f:metadata': {
              'f:annotations': { 'f:note': {} },
              'f:labels': { 'f:app': {} },
            },
          },
        },
        {
          manager: 'kubectl-last-applied',
          operation: 'Apply',
          fieldsV1: {
            'f:metadata': { 'f:annotations': { [`f:${LAST_APPLIED}`]: {} } },
          },
        },
      ]);
      const live = await t.raw.get(paths.core(t.ns, 'configmaps', 'csa-same'));
      expect(live.json.metadata.labels).toEqual({ app: 'demo' });
      expect(live.json.data).toEqual({ k: 'v' });
    },
  );

  behaviour(
    'an apply that changes nothing sets no time on its managedFields entry (a new manager gets none)',
    async t => {
      const config = configMap('csa-time', t.ns, { k: 'v' });
      await clientSideCreate(t, config);
      const res = await t.raw.apply(
        paths.core(t.ns, 'configmaps', 'csa-time'),
        config,
        'kubectl',
      );
      expect(res.status).toBe(200);
      const entry = res.json.metadata.managedFields.find(
        (m: any) => m.manager === 'kubectl',
      );
      expect(entry.operation).toBe('Apply');
      expect(entry.time).toBeUndefined();
    },
  );

  behaviour(
    'kubectl apply --server-side changing a value after kubectl apply is no conflict: the last-applied annotation vouches for the client-side fields, and the server rewrites it to the applied configuration',
    async t => {
      await clientSideCreate(
        t,
        configMap('csa-change', t.ns, { k: 'v', gone: 'x' }),
      );
      const config = configMap(
        'csa-change',
        t.ns,
        { k: 'changed' },
        { labels: { app: 'demo', tier: 'web' } },
      );
      const res = await t.raw.apply(
        paths.core(t.ns, 'configmaps', 'csa-change'),
        config,
        'kubectl',
      );
      expect(res.status).toBe(200);
      expect(res.json.data).toEqual({ k: 'changed', gone: 'x' });
      expect(res.json.metadata.labels).toEqual({ app: 'demo', tier: 'web' });
      expect(res.json.metadata.annotations).toEqual({
        note: 'hello',
        [LAST_APPLIED]: goJson(config),
      });
      const csa = managers(res.json).find(
        (m: any) => m.manager === 'kubectl-client-side-apply',
      );
      expect(csa.fieldsV1['f:data']).toEqual({ '.': {}, 'f:gone': {} });
    },
  );

  behaviour(
    'the same server-side apply under another field manager conflicts with kubectl-client-side-apply (409) and changes nothing',
    async t => {
      await clientSideCreate(t, configMap('csa-other', t.ns, { k: 'v' }));
      const res = await t.raw.apply(
        paths.core(t.ns, 'configmaps', 'csa-other'),
        configMap('csa-other', t.ns, { k: 'changed' }),
        'not-kubectl',
      );
      expectStatus(res, 409, 'Conflict');
      expect(res.json.details.causes).toEqual([
        {
          reason: 'FieldManagerConflict',
          message: 'conflict with "kubectl-client-side-apply" using v1',
          field: '.data.k',
        },
      ]);
      const live = await t.raw.get(paths.core(t.ns, 'configmaps', 'csa-other'));
      expect(live.json.data).toEqual({ k: 'v' });
    },
  );

  behaviour(
    'kubectl apply --server-side --force-conflicts after kubectl apply, then without the labels: the labels the upgrade moved to kubectl are removed, the others stay',
    async t => {
      const config = configMap(
        'csa-force',
        t.ns,
        { k: 'v' },
        { labels: { app: 'demo', drop: 'me' } },
      );
      await clientSideCreate(t, config);
      await serverSideApply(t, config, true);
      const path = paths.core(t.ns, 'configmaps', 'csa-force');
      const res = await t.raw.apply(
        path,
        configMap('csa-force', t.ns, { k: 'v' }),
        'kubectl',
        true,
      );
      expect(res.status).toBe(200);
      expect(res.json.metadata.labels).toEqual({ app: 'demo' });
      expect(res.json.data).toEqual({ k: 'v' });
      expect(Object.keys(res.json.metadata.annotations).sort()).toEqual([
        LAST_APPLIED,
        'note',
      ]);
    },
  );
});
