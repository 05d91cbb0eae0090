import { behaviour, describeContract } from './lib/contract';
import { KARS_API, karsSandbox, paths } from './lib/fixtures';

const failure = (
  code: number,
  reason: string,
  message: string,
  details?: unknown,
) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...(details ? { details } : {}),
  code,
});

describeContract(
  'Status error bodies and validation',
  () => {
    behaviour(
      '404 NotFound: the exact Status for a core, a grouped and a custom resource',
      async t => {
        const core = await t.raw.get(paths.core(t.ns, 'configmaps', 'nope'));
        expect(core.status).toBe(404);
        expect(core.json).toEqual(
          failure(404, 'NotFound', 'configmaps "nope" not found', {
            name: 'nope',
            kind: 'configmaps',
          }),
        );
        const apps = await t.raw.get(
          paths.group('apps/v1', t.ns, 'deployments', 'nope'),
        );
        expect(apps.json).toEqual(
          failure(404, 'NotFound', 'deployments.apps "nope" not found', {
            name: 'nope',
            group: 'apps',
            kind: 'deployments',
          }),
        );
        const cr = await t.raw.get(paths.kars(t.ns, 'karssandboxes', 'nope'));
        expect(cr.json).toEqual(
          failure(
            404,
            'NotFound',
            'karssandboxes.kars.azure.com "nope" not found',
            {
              name: 'nope',
              group: 'kars.azure.com',
              kind: 'karssandboxes',
            },
          ),
        );
      },
    );

    behaviour(
      '409 AlreadyExists: the exact Status for creating a name twice',
      async t => {
        const body = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'twice' },
        };
        expect(
          (
            await t.raw.request('POST', paths.core(t.ns, 'configmaps'), {
              body,
            })
          ).status,
        ).toBe(201);
        const again = await t.raw.request(
          'POST',
          paths.core(t.ns, 'configmaps'),
          { body },
        );
        expect(again.status).toBe(409);
        expect(again.json).toEqual(
          failure(409, 'AlreadyExists', 'configmaps "twice" already exists', {
            name: 'twice',
            kind: 'configmaps',
          }),
        );
        const sandbox = karsSandbox('twice', t.ns);
        await t.raw.request('POST', paths.kars(t.ns, 'karssandboxes'), {
          body: sandbox,
        });
        const crAgain = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          { body: sandbox },
        );
        expect(crAgain.json).toEqual(
          failure(
            409,
            'AlreadyExists',
            'karssandboxes.kars.azure.com "twice" already exists',
            {
              name: 'twice',
              group: 'kars.azure.com',
              kind: 'karssandboxes',
            },
          ),
        );
      },
    );

    behaviour(
      '409 Conflict: the exact Status for an update from a stale resourceVersion',
      async t => {
        const created = await t.raw.request(
          'POST',
          paths.core(t.ns, 'configmaps'),
          {
            body: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'raced' },
            },
          },
        );
        const path = paths.core(t.ns, 'configmaps', 'raced');
        await t.raw.request('PUT', path, {
          body: { ...created.json, data: { a: '1' } },
        });
        const stale = await t.raw.request('PUT', path, {
          body: { ...created.json, data: { a: '2' } },
        });
        expect(stale.status).toBe(409);
        expect(stale.json).toEqual(
          failure(
            409,
            'Conflict',
            'Operation cannot be fulfilled on configmaps "raced": the object has been modified; please apply your changes to the latest version and try again',
            { name: 'raced', kind: 'configmaps' },
          ),
        );
      },
    );

    behaviour(
      '422 Invalid: an invalid name, with the kind and one cause per field',
      async t => {
        const res = await t.raw.request(
          'POST',
          paths.core(t.ns, 'configmaps'),
          {
            body: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'Bad_Name' },
            },
          },
        );
        expect(res.status).toBe(422);
        expect(res.json).toMatchObject(
          failure(
            422,
            'Invalid',
            expect.stringMatching(
              /^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name"/,
            ),
            {
              name: 'Bad_Name',
              kind: 'ConfigMap',
              causes: [
                {
                  reason: 'FieldValueInvalid',
                  message: expect.stringMatching(
                    /^Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
                  ),
                  field: 'metadata.name',
                },
              ],
            },
          ),
        );
      },
    );

    behaviour(
      '422 Invalid: a custom resource breaking its schema (enum) names the field and the allowed values',
      async t => {
        const res = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          {
            body: karsSandbox('bad-enum', t.ns, {
              sandbox: { isolation: 'paranoid' },
            }),
          },
        );
        expect(res.status).toBe(422);
        expect(res.json).toMatchObject(
          failure(
            422,
            'Invalid',
            expect.stringContaining(
              'KarsSandbox.kars.azure.com "bad-enum" is invalid',
            ),
            {
              name: 'bad-enum',
              group: 'kars.azure.com',
              kind: 'KarsSandbox',
            },
          ),
        );
        expect(res.json.details.causes).toContainEqual({
          reason: 'FieldValueNotSupported',
          message:
            'Unsupported value: "paranoid": supported values: "standard", "enhanced", "confidential"',
          field: 'spec.sandbox.isolation',
        });
      },
    );

    behaviour(
      '422 Invalid: a required field missing from a custom resource',
      async t => {
        const res = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          {
            body: {
              apiVersion: KARS_API,
              kind: 'KarsSandbox',
              metadata: { name: 'no-ref' },
              spec: { model: 'x' },
            },
          },
        );
        expect(res.status).toBe(422);
        expect(res.json.details.causes).toContainEqual(
          expect.objectContaining({
            reason: 'FieldValueRequired',
            field: 'spec.inferenceRef',
          }),
        );
      },
    );

    behaviour(
      '422 Invalid: a duplicate key in a list-map of a custom resource',
      async t => {
        const res = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          {
            body: karsSandbox('dup', t.ns, {
              channels: [{ type: 'slack' }, { type: 'slack' }],
            }),
          },
        );
        expect(res.status).toBe(422);
        expect(res.json.details.causes).toEqual([
          {
            reason: 'FieldValueDuplicate',
            message: 'Duplicate value: {"type":"slack"}',
            field: 'spec.channels[1]',
          },
        ]);
      },
    );

    behaviour(
      'unknown fields where the schema keeps none are dropped (with a Warning header) by default, and refused (400) with fieldValidation=Strict',
      async t => {
        const body = karsSandbox('unknown', t.ns, {
          tokenBudget: { weeklyTokens: 3 },
        });
        const lenient = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          { body },
        );
        expect(lenient.status).toBe(201);
        expect(lenient.json.spec.tokenBudget).not.toHaveProperty(
          'weeklyTokens',
        );
        expect(String(lenient.headers.warning)).toContain(
          'unknown field \\"spec.tokenBudget.weeklyTokens\\"',
        );
        const strict = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          {
            body: {
              ...body,
              metadata: { ...body.metadata, name: 'unknown-strict' },
            },
            query: { fieldValidation: 'Strict' },
          },
        );
        expect(strict.status).toBe(400);
        expect(strict.json).toMatchObject(
          failure(
            400,
            'BadRequest',
            expect.stringContaining(
              'strict decoding error: unknown field "spec.tokenBudget.weeklyTokens"',
            ),
          ),
        );
        const cm = await t.raw.request('POST', paths.core(t.ns, 'configmaps'), {
          body: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'unknown' },
            data: {},
            extra: 1,
          },
        });
        expect(cm.status).toBe(201);
        expect(cm.json.extra).toBeUndefined();
      },
    );

    behaviour('400 BadRequest: a body that is not JSON', async t => {
      const res = await t.raw.request('POST', paths.core(t.ns, 'configmaps'), {
        body: '{"metadata":{"name":"x"',
      });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject(
        failure(400, 'BadRequest', expect.any(String)),
      );
    });

    behaviour(
      '422 Invalid: a JSON patch that cannot apply (a failing test, a missing path) gets the generic Status, without causes',
      async t => {
        const path = paths.core(t.ns, 'configmaps');
        const created = await t.raw.request('POST', path, {
          body: { metadata: { name: 'json-patched' }, data: { a: '1' } },
        });
        expect(created.status).toBe(201);
        for (const patch of [
          [{ op: 'test', path: '/data/a', value: '5' }],
          [{ op: 'remove', path: '/data/missing' }],
        ]) {
          const res = await t.raw.request('PATCH', `${path}/json-patched`, {
            body: patch,
            contentType: 'application/json-patch+json',
          });
          expect(res.status).toBe(422);
          expect(res.json).toEqual(
            failure(
              422,
              'Invalid',
              'the server rejected our request due to an error in our request',
              {},
            ),
          );
        }
      },
    );
  },
  { crds: true },
);
