import { ConflictError } from '@backstage/errors';
import {
  KARS_ANNOTATIONS,
  KARS_LABEL_VALUES,
  KARS_LABELS,
  sandboxSpecSchema,
} from '@kars-portal/plugin-kars-common';
import { KubeGateway, KubeObject } from '@kars-portal/plugin-kars-node';
import { fakeCluster, sandboxObject } from '../__testUtils__/fakeClusters';
import { Actor } from './Actor';
import { Admission } from './Admission';
import { FleetIndex } from './FleetIndex';
import { KarsInputError } from './validation';

const jane: Actor = { userEntityRef: 'user:default/jane', type: 'user' };
const ownerA = 'group:default/team-a';

/** A gateway that answers GETs of Namespaces and ConfigMaps from `objects`, by kind and name. */
function gatewayWith(objects: KubeObject[]): KubeGateway {
  return {
    get: async (ref: { kind: string; name: string }) =>
      objects.find(o => o.kind === ref.kind && o.metadata.name === ref.name),
  } as unknown as KubeGateway;
}

const namespace = (name: string, claimedFor?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name,
    ...(claimedFor
      ? {
          labels: { [KARS_LABELS.managedBy]: KARS_LABEL_VALUES.managedBy },
          annotations: { [KARS_ANNOTATIONS.sandboxName]: claimedFor },
        }
      : {}),
  },
});

const floor = (minimum: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kars-content-safety-floor', namespace: 'kars-system' },
    data: { minimum },
  } as KubeObject);

/** Two clusters: west (the default) holds tenant-a with owner team-a and its namespace; east holds tenant-e. */
function admission(extra: KubeObject[] = []) {
  const gateway = gatewayWith([
    namespace('kars-tenant-a', 'tenant-a'),
    namespace('kars-squatter'),
    ...extra,
  ]);
  const fleet = new FleetIndex([
    fakeCluster({
      name: 'west',
      gateway,
      objects: () => [sandboxObject('tenant-a', { owner: ownerA })],
    }),
    fakeCluster({
      name: 'east',
      default: false,
      gateway,
      objects: () => [sandboxObject('tenant-e', { owner: ownerA })],
    }),
  ]);
  return new Admission(fleet);
}

describe('Admission', () => {
  it.each([
    [
      'an unknown cluster',
      { name: 'tenant-x', cluster: 'mars' },
      'cluster',
      'known-cluster',
    ],
    [
      'a severity above the floor',
      { name: 'tenant-x', spec: { contentSafety: { hate: 'High' } } },
      'spec.contentSafety.hate',
      'content-safety-floor',
    ],
    [
      'a bad model name',
      { name: 'tenant-x', spec: { model: 'bad model' } },
      'spec.model',
      'model-name',
    ],
    [
      'the public gateway on a cluster that has none',
      { name: 'tenant-x', spec: { a2a: { publicGateway: true } } },
      'spec.a2a.publicGateway',
      'gateway-configured',
    ],
  ])(
    'refuses %s in a create with a 400 naming the field and rule, and /validate says the same',
    async (_what, body, field, rule) => {
      const error = await admission()
        .admitCreate(body, jane)
        .then(
          () => undefined,
          e => e,
        );
      expect(error).toBeInstanceOf(KarsInputError);
      expect(error.issues).toEqual([expect.objectContaining({ field, rule })]);
      const validated = await admission().validate(body, jane);
      expect(validated.valid).toBe(false);
      expect(validated.issues).toEqual(
        expect.arrayContaining([expect.objectContaining({ field, rule })]),
      );
    },
  );

  it.each([
    [
      'a sandbox of that name on another cluster',
      { name: 'tenant-e', spec: { owner: ownerA } },
      'the name tenant-e is taken by a sandbox on cluster east',
    ],
    [
      'a namespace kars portal did not make',
      { name: 'squatter', spec: { owner: ownerA } },
      'NamespaceOwnershipConflict',
    ],
    [
      'a sandbox of that name with another spec',
      { name: 'tenant-a', spec: { owner: ownerA, model: 'gpt-4o' } },
      'a sandbox named tenant-a exists with a different spec',
    ],
  ])(
    'refuses a name taken by %s with a 409, and /validate calls it name-taken',
    async (_what, body, message) => {
      const error = await admission()
        .admitCreate(body, jane)
        .then(
          () => undefined,
          e => e,
        );
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toContain(message);
      expect(await admission().validate(body, jane)).toEqual({
        valid: false,
        issues: [
          expect.objectContaining({ field: 'name', rule: 'name-taken' }),
        ],
      });
    },
  );

  it('admits the same spec again, with the sandbox that holds it', async () => {
    const admitted = await admission().admitCreate(
      { name: 'tenant-a', spec: { owner: ownerA } },
      jane,
    );
    expect(admitted.cluster.name).toBe('west');
    expect(admitted.existing?.metadata.uid).toBe('uid-tenant-a');
    expect(
      await admission().validate(
        { name: 'tenant-a', spec: { owner: ownerA } },
        jane,
      ),
    ).toEqual({ valid: true, issues: [] });
  });

  it('makes the user who creates the owner, and sends the sandbox to the default cluster', async () => {
    const admitted = await admission().admitCreate({ name: 'tenant-n' }, jane);
    expect(admitted.spec.owner).toBe('user:default/jane');
    expect(admitted.cluster.name).toBe('west');
    expect(admitted.existing).toBeUndefined();
  });

  it('judges against the content-safety floor the cluster sets, Medium if it sets none', async () => {
    const strict = admission([floor('Low')]);
    const error = await strict
      .admitCreate(
        { name: 'tenant-x', spec: { contentSafety: { hate: 'Medium' } } },
        jane,
      )
      .then(
        () => undefined,
        e => e,
      );
    // Medium is every category's default: each one is less strict than a floor of Low
    expect(error.issues.map((i: any) => `${i.field}:${i.rule}`)).toEqual([
      'spec.contentSafety.hate:content-safety-floor',
      'spec.contentSafety.selfHarm:content-safety-floor',
      'spec.contentSafety.sexual:content-safety-floor',
      'spec.contentSafety.violence:content-safety-floor',
    ]);
    expect(
      await admission().contentSafetyFloor(
        fakeCluster({ gateway: gatewayWith([]) }),
      ),
    ).toBe('Medium');
  });

  describe('a PATCH', () => {
    const current = sandboxSpecSchema.parse({
      owner: ownerA,
      tokenBudget: { dailyTokens: 1000 },
    });
    const west = () => fakeCluster({ gateway: gatewayWith([]) });

    it('admits the merged spec as a whole', async () => {
      const spec = await admission().admitPatch(west(), current, {
        model: 'gpt-4o',
      });
      expect(spec).toMatchObject({
        model: 'gpt-4o',
        owner: ownerA,
        tokenBudget: { dailyTokens: 1000 },
      });
    });

    it.each([
      [
        'breaks a rule between fields',
        { tokenBudget: { monthlyTokens: 10 } },
        'spec.tokenBudget.monthlyTokens',
        'monthly-at-least-daily',
      ],
      [
        'goes below the floor',
        { contentSafety: { violence: 'High' } },
        'spec.contentSafety.violence',
        'content-safety-floor',
      ],
    ] as const)(
      'is refused with a 400 when the merged spec %s',
      async (_what, patch, field, rule) => {
        const error = await admission()
          .admitPatch(west(), current, patch)
          .then(
            () => undefined,
            e => e,
          );
        expect(error).toBeInstanceOf(KarsInputError);
        expect(error.issues).toEqual([
          expect.objectContaining({ field, rule }),
        ]);
      },
    );
  });
});
