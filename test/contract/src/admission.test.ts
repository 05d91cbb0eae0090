import {
  behaviour,
  describeContract,
  TargetContext,
  uniqueName,
} from './lib/contract';
import { eventually, paths } from './lib/fixtures';
import { RawResponse } from './lib/raw';

const ADMISSION = 'admissionregistration.k8s.io/v1';
/** Policies load through informers on a real server: their first effect may take a moment. */
const POLICY_WAIT = { timeoutMs: 30_000, intervalMs: 250 };

interface Policy {
  name: string;
  binding: string;
}

/**
 * Creates a ValidatingAdmissionPolicy on ConfigMaps and its binding, matched only in this group's
 * namespace (and by `selector` labels), both removed after the group.
 */
async function policy(
  t: TargetContext,
  spec: Record<string, unknown>,
  binding: Record<string, unknown>,
  selector: Record<string, string>,
): Promise<Policy> {
  const name = uniqueName('kc-vap');
  const created = await t.raw.request(
    'POST',
    paths.group(ADMISSION, undefined, 'validatingadmissionpolicies'),
    {
      body: {
        apiVersion: ADMISSION,
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name },
        spec: {
          matchConstraints: {
            resourceRules: [
              {
                apiGroups: [''],
                apiVersions: ['v1'],
                operations: ['CREATE', 'UPDATE', 'DELETE'],
                resources: ['configmaps'],
              },
            ],
            objectSelector: { matchLabels: selector },
          },
          ...spec,
        },
      },
    },
  );
  expect(created.status).toBe(201);
  t.cleanup(
    paths.group(ADMISSION, undefined, 'validatingadmissionpolicies', name),
  );
  const bindingName = `${name}-binding`;
  const bound = await t.raw.request(
    'POST',
    paths.group(ADMISSION, undefined, 'validatingadmissionpolicybindings'),
    {
      body: {
        apiVersion: ADMISSION,
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: bindingName },
        spec: {
          policyName: name,
          validationActions: ['Deny'],
          matchResources: {
            namespaceSelector: {
              matchLabels: { 'kubernetes.io/metadata.name': t.ns },
            },
          },
          ...binding,
        },
      },
    },
  );
  expect(bound.status).toBe(201);
  t.cleanup(
    paths.group(
      ADMISSION,
      undefined,
      'validatingadmissionpolicybindings',
      bindingName,
    ),
  );
  return { name, binding: bindingName };
}

function configMap(
  t: TargetContext,
  labels: Record<string, string>,
  data: Record<string, string>,
  name = uniqueName('cm'),
) {
  return t.raw.request('POST', paths.core(t.ns, 'configmaps'), {
    body: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, labels },
      data,
    },
  });
}

/** The exact Status of a denial, as admission.NewForbidden builds it with the decision's reason. */
function expectDenied(
  res: RawResponse,
  p: Policy,
  name: string,
  code: number,
  reason: string,
  message: string,
) {
  const why = `ValidatingAdmissionPolicy '${p.name}' with binding '${p.binding}' denied request: ${message}`;
  expect({ status: res.status, body: res.json }).toEqual({
    status: code,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `configmaps "${name}" is forbidden: ${why}`,
      reason,
      details: { name, kind: 'configmaps', causes: [{ message: why }] },
      code,
    },
  });
}

const warningsOf = (res: RawResponse) =>
  String(res.headers.warning ?? '')
    .split(/,(?=\s*299 )/)
    .map(w => w.trim())
    .filter(Boolean);

describeContract('ValidatingAdmissionPolicy (CEL admission)', () => {
  behaviour(
    'params, variables and messageExpression: a failed validation is 422 Invalid without a reason and 403 with reason Forbidden; a valid object is admitted',
    async t => {
      const params = await configMap(
        t,
        {},
        { max: '3', word: 'banned' },
        uniqueName('limits'),
      );
      expect(params.status).toBe(201);
      const p = await policy(
        t,
        {
          paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
          variables: [
            {
              name: 'count',
              expression: 'has(object.data) ? size(object.data) : 0',
            },
            { name: 'max', expression: 'int(params.data.max)' },
          ],
          validations: [
            {
              expression: 'variables.count <= variables.max',
              messageExpression:
                "'too many keys: ' + string(variables.count) + ' > ' + string(variables.max)",
            },
            {
              expression:
                '!has(object.data) || !object.data.exists(k, object.data[k] == params.data.word)',
              message: 'no banned words',
              reason: 'Forbidden',
            },
          ],
        },
        {
          paramRef: {
            name: params.json.metadata.name,
            namespace: t.ns,
            parameterNotFoundAction: 'Deny',
          },
        },
        { checked: 'params' },
      );
      const labels = { checked: 'params' };
      const tooMany = await eventually(async () => {
        const name = uniqueName('many');
        const res = await configMap(
          t,
          labels,
          { a: '1', b: '2', c: '3', d: '4' },
          name,
        );
        expect(res.status).toBe(422);
        return { res, name };
      }, POLICY_WAIT);
      expectDenied(
        tooMany.res,
        p,
        tooMany.name,
        422,
        'Invalid',
        'too many keys: 4 > 3',
      );
      const name = uniqueName('word');
      expectDenied(
        await configMap(t, labels, { a: 'banned' }, name),
        p,
        name,
        403,
        'Forbidden',
        'no banned words',
      );
      expect((await configMap(t, labels, { a: 'fine' })).status).toBe(201);
    },
  );

  behaviour(
    'validationActions Warn admits with a Warning header; a validation without message is reported by its expression',
    async t => {
      const p = await policy(
        t,
        {
          validations: [
            {
              expression:
                "!has(object.metadata.labels) || !('legacy' in object.metadata.labels)",
            },
          ],
        },
        { validationActions: ['Warn'] },
        { checked: 'warn' },
      );
      const res = await eventually(async () => {
        const r = await configMap(t, { checked: 'warn', legacy: 'yes' }, {});
        expect(r.status).toBe(201);
        expect(warningsOf(r)).not.toEqual([]);
        return r;
      }, POLICY_WAIT);
      expect(warningsOf(res)).toEqual([
        `299 - "Validation failed for ValidatingAdmissionPolicy '${p.name}' with binding '${p.binding}': failed expression: !has(object.metadata.labels) || !('legacy' in object.metadata.labels)"`,
      ]);
      const clean = await configMap(t, { checked: 'warn' }, {});
      expect(clean.status).toBe(201);
      expect(clean.headers.warning).toBeUndefined();
    },
  );

  behaviour(
    'matchConditions: a policy whose condition is false does not apply',
    async t => {
      const p = await policy(
        t,
        {
          matchConditions: [
            {
              name: 'only-checked-names',
              expression: "object.metadata.name.startsWith('checked-')",
            },
          ],
          validations: [{ expression: 'false', message: 'always denied' }],
        },
        {},
        { checked: 'conditions' },
      );
      const labels = { checked: 'conditions' };
      const name = uniqueName('checked');
      const res = await eventually(async () => {
        const r = await configMap(t, labels, {}, name);
        expect(r.status).toBe(422);
        return r;
      }, POLICY_WAIT);
      expectDenied(res, p, name, 422, 'Invalid', 'always denied');
      expect((await configMap(t, labels, {}, uniqueName('other'))).status).toBe(
        201,
      );
    },
  );

  behaviour(
    'failurePolicy: an expression error denies under Fail with the error, and is ignored under Ignore',
    async t => {
      const broken = {
        validations: [{ expression: "object.data.required == 'yes'" }],
      };
      const fail = await policy(
        t,
        { ...broken, failurePolicy: 'Fail' },
        {},
        { checked: 'fail' },
      );
      await policy(
        t,
        { ...broken, failurePolicy: 'Ignore' },
        {},
        { checked: 'ignore' },
      );
      const name = uniqueName('fail');
      const res = await eventually(async () => {
        const r = await configMap(t, { checked: 'fail' }, { other: 'x' }, name);
        expect(r.status).toBe(422);
        return r;
      }, POLICY_WAIT);
      expectDenied(
        res,
        fail,
        name,
        422,
        'Invalid',
        "expression 'object.data.required == 'yes'' resulted in error: no such key: required",
      );
      expect(
        (await configMap(t, { checked: 'ignore' }, { other: 'x' })).status,
      ).toBe(201);
    },
  );

  behaviour(
    'a binding whose params do not exist denies with parameterNotFoundAction Deny and admits with Allow',
    async t => {
      const spec = {
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        validations: [{ expression: 'params.data.ok == "yes"' }],
      };
      const deny = await policy(
        t,
        spec,
        { paramRef: { name: 'absent', parameterNotFoundAction: 'Deny' } },
        { checked: 'no-params' },
      );
      await policy(
        t,
        spec,
        { paramRef: { name: 'absent', parameterNotFoundAction: 'Allow' } },
        { checked: 'allow' },
      );
      const name = uniqueName('np');
      const res = await eventually(async () => {
        const r = await configMap(t, { checked: 'no-params' }, {}, name);
        expect(r.status).toBe(422);
        return r;
      }, POLICY_WAIT);
      expectDenied(
        res,
        deny,
        name,
        422,
        'Invalid',
        'failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction',
      );
      expect((await configMap(t, { checked: 'allow' }, {})).status).toBe(201);
    },
  );

  behaviour(
    'DELETE is admitted against oldObject: a protected object cannot be deleted',
    async t => {
      const p = await policy(
        t,
        {
          validations: [
            {
              expression:
                "request.operation != 'DELETE' || oldObject.data.protected != 'true'",
              message: 'this ConfigMap is protected',
              reason: 'Forbidden',
            },
          ],
        },
        {},
        { checked: 'delete' },
      );
      const name = uniqueName('keep');
      expect(
        (await configMap(t, { checked: 'delete' }, { protected: 'true' }, name))
          .status,
      ).toBe(201);
      const res = await eventually(async () => {
        const r = await t.raw.request(
          'DELETE',
          paths.core(t.ns, 'configmaps', name),
          { query: { dryRun: 'All' } },
        );
        expect(r.status).toBe(403);
        return r;
      }, POLICY_WAIT);
      expectDenied(
        res,
        p,
        name,
        403,
        'Forbidden',
        'this ConfigMap is protected',
      );
      const other = uniqueName('free');
      await configMap(t, { checked: 'delete' }, { protected: 'no' }, other);
      expect(
        (await t.raw.request('DELETE', paths.core(t.ns, 'configmaps', other)))
          .status,
      ).toBe(200);
    },
  );
});
