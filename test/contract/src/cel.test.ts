import {
  behaviour,
  describeContract,
  TargetContext,
  uniqueName,
} from './lib/contract';
import { eventually, expectStatus, karsSandbox, paths } from './lib/fixtures';

const GROUP = 'cel.contract.kars.test';
const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

const str = { type: 'string', maxLength: 20 };

/** A Widget's spec: one rule of each shape kube-apiserver reports differently. */
const widgetSpec = {
  type: 'object',
  'x-kubernetes-validations': [
    {
      rule: 'self.replicas <= self.max',
      messageExpression: "'replicas above max for ' + self.mode",
      fieldPath: '.replicas',
    },
    {
      rule: "!has(self.mode) || self.mode != 'forbidden'",
      message: 'mode is forbidden',
      reason: 'FieldValueForbidden',
    },
    {
      rule: "!has(self.req) || self.req != ''",
      message: 'req must be set',
      reason: 'FieldValueRequired',
    },
    {
      rule: "!has(self.dup) || self.dup != 'x'",
      reason: 'FieldValueDuplicate',
    },
    { rule: 'self.replicas != 13' },
  ],
  properties: {
    replicas: { type: 'integer' },
    max: { type: 'integer' },
    mode: str,
    req: str,
    dup: str,
    immutable: {
      ...str,
      'x-kubernetes-validations': [
        { rule: 'self == oldSelf', message: 'immutable is immutable' },
      ],
    },
    grows: {
      type: 'integer',
      'x-kubernetes-validations': [
        { rule: 'self >= oldSelf', message: 'grows may not shrink' },
      ],
    },
    scalar: {
      ...str,
      'x-kubernetes-validations': [
        { rule: "self != 'no'", message: 'scalar is no' },
      ],
    },
    ratio: {
      type: 'number',
      'x-kubernetes-validations': [{ rule: 'self < 1.5' }],
    },
    opt: {
      ...str,
      'x-kubernetes-validations': [
        {
          rule: "oldSelf.hasValue() ? oldSelf.value() == self : self == 'first'",
          optionalOldSelf: true,
          message: 'opt must start as first and never change',
        },
      ],
    },
    items: {
      type: 'array',
      maxItems: 10,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: {
        type: 'object',
        required: ['name'],
        'x-kubernetes-validations': [
          {
            rule: 'self.value >= oldSelf.value',
            message: 'item value may not shrink',
          },
          { rule: 'self.value != 99', message: 'item value 99' },
        ],
        properties: { name: str, value: { type: 'integer' } },
      },
    },
    tags: {
      type: 'object',
      maxProperties: 10,
      additionalProperties: {
        ...str,
        'x-kubernetes-validations': [
          { rule: 'self.size() < 5', message: 'tag too long' },
        ],
      },
    },
  },
};

/**
 * Kubernetes CEL library functions with what they return; each is a rule of its own whose
 * message is the expression, so a wrong answer names itself.
 */
const LIBRARY = [
  '[1, 2, 2].isSorted()',
  '![2, 1].isSorted()',
  '[1, 3].sum() == 4',
  '[1.5, 2.0].sum() == 3.5',
  '[3, 1, 2].min() == 1',
  '[3, 1, 2].max() == 3',
  '[1, 2, 1].indexOf(1) == 0',
  '[1, 2, 1].lastIndexOf(1) == 2',
  '[1, 2].indexOf(3) == -1',
  "'abc123def456'.find('[0-9]+') == '123'",
  "'abc'.find('[0-9]+') == ''",
  "'abc123def456'.findAll('[0-9]+') == ['123', '456']",
  "'a1b2c3'.findAll('[0-9]', 2) == ['1', '2']",
  "'abc'.charAt(1) == 'b'",
  "'abc'.charAt(3) == ''",
  "'aXbXc'.replace('X', '-') == 'a-b-c'",
  "'aXbXc'.replace('X', '-', 1) == 'a-bXc'",
  "'Hello'.lowerAscii() == 'hello'",
  "'  x '.trim() == 'x'",
  "'hello'.indexOf('l') == 2",
  "'hello'.substring(1, 3) == 'el'",
  'sets.contains([1, 2, 3], [1, 2])',
  'sets.equivalent([1, 2], [2, 1, 1])',
  '!sets.intersects([1], [2])',
  "quantity('1Gi').isGreaterThan(quantity('1G'))",
  "quantity('500m').add(quantity('0.5')).compareTo(quantity('1')) == 0",
  "quantity('1') == quantity('1000m')",
  "!quantity('1.5').isInteger()",
  "quantity('2k').asInteger() == 2000",
  "sign(quantity('1').sub(2)) == -1",
  "quantity('250m').asApproximateFloat() == 0.25",
  "isQuantity('1Mi') && !isQuantity('1x')",
  "url('https://example.com:8080/a%20b?x=1&x=2').getPort() == '8080'",
  "url('https://example.com:8080/p').getHost() == 'example.com:8080'",
  "url('https://[::1]:80/').getHostname() == '::1'",
  "url('HTTPS://example.com/').getScheme() == 'https'",
  "url('https://example.com/?x=1&x=2&y=a+b').getQuery() == {'x': ['1', '2'], 'y': ['a b']}",
  "url('/a%20b').getEscapedPath() == '/a%20b'",
  "isURL('https://example.com') && !isURL('example.com')",
  'optional.of(1).orValue(2) == 1 && optional.none().orValue(2) == 2',
  "{'a': 1}.?b.orValue(3) == 3",
  '[1, 2, 3].exists_one(x, x == 2)',
  '[1, 2, 3].filter(x, x > 1).map(x, x * 10) == [20, 30]',
  "'abc'.matches('^a.c$')",
];

function crd(plural: string, kind: string, schema: object) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        plural,
        singular: kind.toLowerCase(),
        kind,
        listKind: `${kind}List`,
      },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: schema },
        },
      ],
    },
  };
}

const widgets = (
  rootRules: object[] = [
    { rule: "self.metadata.name != 'bad'", message: 'name is bad' },
    { rule: "self.metadata.name != 'bad2'" },
  ],
) =>
  crd('widgets', 'Widget', {
    type: 'object',
    'x-kubernetes-validations': rootRules,
    properties: {
      spec: widgetSpec,
      status: {
        type: 'object',
        'x-kubernetes-validations': [
          {
            rule: "!has(self.phase) || self.phase != 'Bad'",
            message: 'bad phase',
          },
        ],
        properties: { phase: str },
      },
    },
  });

const gadgets = (strict: boolean) =>
  crd('gadgets', 'Gadget', {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          size: {
            type: 'integer',
            'x-kubernetes-validations': strict
              ? [{ rule: 'self < 10', message: 'size must be below 10' }]
              : [],
          },
          color: {
            ...str,
            'x-kubernetes-validations': strict
              ? [{ rule: "self != 'red'", message: 'red is no longer allowed' }]
              : [],
          },
        },
      },
    },
  });

const libraries = () =>
  crd('libraries', 'Library', {
    type: 'object',
    'x-kubernetes-validations': LIBRARY.map(rule => ({ rule, message: rule })),
  });

/** Applies a CRD (server-side, forced), removed after the group, and waits until it is served. */
async function install(t: TargetContext, def: ReturnType<typeof crd>) {
  const res = await t.raw.apply(
    `${CRDS}/${def.metadata.name}`,
    def,
    'kars-contract',
    true,
  );
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`CRD ${def.metadata.name}: HTTP ${res.status} ${res.text}`);
  t.cleanup(`${CRDS}/${def.metadata.name}`);
  await eventually(async () => {
    const list = await t.raw.get(
      paths.group(`${GROUP}/v1`, t.ns, def.spec.names.plural),
    );
    expect(list.status).toBe(200);
  });
}

const path = (t: TargetContext, plural: string, name?: string) =>
  paths.group(`${GROUP}/v1`, t.ns, plural, name);

const object = (kind: string, name: string, spec: object) => ({
  apiVersion: `${GROUP}/v1`,
  kind,
  metadata: { name },
  spec,
});

/** Causes in a stable order: kube-apiserver walks an object's fields in Go map order. */
const sorted = (causes: any[]) =>
  [...causes].sort((a, b) =>
    `${a.field} ${a.message}`.localeCompare(`${b.field} ${b.message}`),
  );

const invalid = (message: string, field: string) => ({
  reason: 'FieldValueInvalid',
  message,
  field,
});

const warnings = (res: { headers: Record<string, any> }) =>
  String(res.headers.warning ?? '')
    .split(/,(?=\s*299 )/)
    .map(w => w.trim())
    .filter(Boolean)
    .sort();

describeContract(
  'CEL validation rules of custom resources (x-kubernetes-validations)',
  () => {
    behaviour(
      'a KarsSandbox with monthlyTokens below dailyTokens is 422 Invalid on spec.tokenBudget.monthlyTokens, on create and on update',
      async t => {
        const res = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          {
            body: karsSandbox('budget', t.ns, {
              tokenBudget: { dailyTokens: 10, monthlyTokens: 5 },
            }),
          },
        );
        expectStatus(res, 422, 'Invalid', {
          name: 'budget',
          group: 'kars.azure.com',
          kind: 'KarsSandbox',
        });
        expect(res.json.details.causes).toEqual([
          {
            reason: 'FieldValueInvalid',
            message:
              'Invalid value: monthlyTokens must be at least dailyTokens (or 0 for unlimited)',
            field: 'spec.tokenBudget.monthlyTokens',
          },
        ]);
        const ok = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          {
            body: karsSandbox('budget', t.ns, {
              tokenBudget: { dailyTokens: 10, monthlyTokens: 0 },
            }),
          },
        );
        expect(ok.status).toBe(201);
        const update = await t.raw.request(
          'PATCH',
          paths.kars(t.ns, 'karssandboxes', 'budget'),
          {
            body: { spec: { tokenBudget: { perRequestTokens: 20 } } },
            contentType: 'application/merge-patch+json',
          },
        );
        expectStatus(update, 422, 'Invalid');
        expect(update.json.details.causes).toContainEqual(
          expect.objectContaining({ field: 'spec.tokenBudget.dailyTokens' }),
        );
      },
    );

    behaviour(
      'the reserved name "system" and names longer than 52 characters are 422 Invalid',
      async t => {
        const reserved = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          { body: karsSandbox('system', t.ns) },
        );
        expectStatus(reserved, 422, 'Invalid');
        expect(reserved.json.message).toBe(
          'KarsSandbox.kars.azure.com "system" is invalid: <nil>: Invalid value: metadata.name is reserved (system)',
        );
        expect(reserved.json.details.causes).toEqual([
          invalid('Invalid value: metadata.name is reserved (system)', '<nil>'),
        ]);
        const long = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          { body: karsSandbox('a'.repeat(53), t.ns) },
        );
        expectStatus(long, 422, 'Invalid');
        expect(long.json.details.causes.map((c: any) => c.message)).toEqual([
          'Invalid value: metadata.name must be a DNS-1035 label of at most 52 characters',
        ]);
        const longest = await t.raw.request(
          'POST',
          paths.kars(t.ns, 'karssandboxes'),
          { body: karsSandbox('a'.repeat(52), t.ns) },
        );
        expect(longest.status).toBe(201);
      },
    );

    behaviour(
      'each failed rule is a cause where it sits: message, messageExpression, reason, fieldPath, the default "failed rule", the value shown for scalars only',
      async t => {
        await install(t, widgets());
        const res = await t.raw.request('POST', path(t, 'widgets'), {
          body: object('Widget', 'bad', {
            replicas: 5,
            max: 3,
            mode: 'forbidden',
            req: '',
            dup: 'x',
            scalar: 'no',
            ratio: 2.5,
            opt: 'second',
            items: [{ name: 'a', value: 99 }],
            tags: { k: 'longvalue' },
          }),
        });
        expectStatus(res, 422, 'Invalid', {
          name: 'bad',
          group: GROUP,
          kind: 'Widget',
        });
        expect(sorted(res.json.details.causes)).toEqual(
          sorted([
            invalid('Invalid value: name is bad', '<nil>'),
            invalid(
              'Invalid value: replicas above max for forbidden',
              'spec.replicas',
            ),
            {
              reason: 'FieldValueForbidden',
              message: 'Forbidden: mode is forbidden',
              field: 'spec',
            },
            {
              reason: 'FieldValueRequired',
              message: 'Required value: req must be set',
              field: 'spec',
            },
            {
              reason: 'FieldValueDuplicate',
              message: 'Duplicate value',
              field: 'spec',
            },
            invalid(
              'Invalid value: 2.5: failed rule: self < 1.5',
              'spec.ratio',
            ),
            invalid(
              'Invalid value: "second": opt must start as first and never change',
              'spec.opt',
            ),
            invalid('Invalid value: item value 99', 'spec.items[0]'),
            invalid('Invalid value: "no": scalar is no', 'spec.scalar'),
            invalid('Invalid value: "longvalue": tag too long', 'spec.tags[k]'),
          ]),
        );
        expect(res.json.message).toMatch(
          /^Widget\.cel\.contract\.kars\.test "bad" is invalid: \[<nil>: Invalid value: name is bad, /,
        );
        const unnamed = await t.raw.request('POST', path(t, 'widgets'), {
          body: object('Widget', 'bad2', { replicas: 13, max: 30 }),
        });
        expect(unnamed.json.message).toBe(
          `Widget.${GROUP} "bad2" is invalid: [<nil>: Invalid value: failed rule: self.metadata.name != 'bad2', spec: Invalid value: failed rule: self.replicas != 13]`,
        );
      },
    );

    behaviour(
      'a rule that fails to evaluate is a cause naming the error; a failing messageExpression falls back to the message or "failed rule"',
      async t => {
        await install(t, widgets());
        const missing = await t.raw.request('POST', path(t, 'widgets'), {
          body: object('Widget', uniqueName('w'), { max: 3 }),
        });
        expectStatus(missing, 422, 'Invalid');
        expect(missing.json.details.causes).toEqual([
          invalid(
            'Invalid value: "object": no such key: replicas evaluating rule: self.replicas <= self.max',
            'spec',
          ),
          invalid(
            'Invalid value: "object": no such key: replicas evaluating rule: self.replicas != 13',
            'spec',
          ),
        ]);
        const fallback = await t.raw.request('POST', path(t, 'widgets'), {
          body: object('Widget', uniqueName('w'), { replicas: 5, max: 4 }),
        });
        expect(fallback.json.details.causes).toEqual([
          invalid(
            'Invalid value: failed rule: self.replicas <= self.max',
            'spec.replicas',
          ),
        ]);
      },
    );

    behaviour(
      'transition rules (oldSelf) run on update only, map-list items pair up by key, optionalOldSelf runs on create too',
      async t => {
        await install(t, widgets());
        const name = uniqueName('w');
        const created = await t.raw.request('POST', path(t, 'widgets'), {
          body: object('Widget', name, {
            replicas: 1,
            max: 3,
            immutable: 'a',
            grows: 5,
            opt: 'first',
            items: [
              { name: 'a', value: 5 },
              { name: 'b', value: 5 },
            ],
          }),
        });
        expect(created.status).toBe(201);
        const patch = (spec: object) =>
          t.raw.request('PATCH', path(t, 'widgets', name), {
            body: { spec },
            contentType: 'application/merge-patch+json',
          });
        const res = await patch({
          immutable: 'b',
          grows: 4,
          opt: 'other',
          items: [
            { name: 'b', value: 4 },
            { name: 'a', value: 6 },
            { name: 'c', value: 0 },
          ],
        });
        expectStatus(res, 422, 'Invalid');
        expect(sorted(res.json.details.causes)).toEqual(
          sorted([
            invalid(
              'Invalid value: item value may not shrink',
              'spec.items[0]',
            ),
            invalid(
              'Invalid value: "other": opt must start as first and never change',
              'spec.opt',
            ),
            invalid('Invalid value: 4: grows may not shrink', 'spec.grows'),
            invalid(
              'Invalid value: "b": immutable is immutable',
              'spec.immutable',
            ),
          ]),
        );
        const grown = await patch({
          grows: 6,
          items: [
            { name: 'b', value: 5 },
            { name: 'a', value: 6 },
          ],
        });
        expect(grown.status).toBe(200);
        expect(grown.json.spec.grows).toBe(6);
      },
    );

    behaviour('a status update runs the status rules', async t => {
      await install(t, widgets());
      const name = uniqueName('w');
      expect(
        (
          await t.raw.request('POST', path(t, 'widgets'), {
            body: object('Widget', name, { replicas: 1, max: 3 }),
          })
        ).status,
      ).toBe(201);
      const res = await t.raw.request(
        'PATCH',
        `${path(t, 'widgets', name)}/status`,
        {
          body: { status: { phase: 'Bad' } },
          contentType: 'application/merge-patch+json',
        },
      );
      expectStatus(res, 422, 'Invalid');
      expect(res.json.details.causes).toEqual([
        invalid('Invalid value: bad phase', 'status'),
      ]);
    });

    behaviour(
      'a schema error keeps the rules from running: "some validation rules were not checked"',
      async t => {
        await install(t, widgets());
        const res = await t.raw.request('POST', path(t, 'widgets'), {
          body: object('Widget', 'bad', { replicas: 'many', max: 3 }),
        });
        expectStatus(res, 422, 'Invalid');
        expect(res.json.details.causes).toEqual([
          {
            reason: 'FieldValueTypeInvalid',
            message:
              'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
            field: 'spec.replicas',
          },
          invalid(
            'Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
            '<nil>',
          ),
        ]);
      },
    );

    behaviour(
      'ratcheting: after a rule is added, an unchanged value that breaks it is a warning, a changed one is 422 Invalid',
      async t => {
        await install(t, gadgets(false));
        const name = uniqueName('g');
        const created = await t.raw.request('POST', path(t, 'gadgets'), {
          body: object('Gadget', name, { size: 1, color: 'red' }),
        });
        expect(created.status).toBe(201);
        await install(t, gadgets(true));
        const patch = (spec: object, dryRun?: 'All') =>
          t.raw.request('PATCH', path(t, 'gadgets', name), {
            query: { dryRun },
            body: { spec },
            contentType: 'application/merge-patch+json',
          });
        // the stricter CRD takes effect asynchronously on a real server
        await eventually(async () =>
          expect((await patch({ size: 20 }, 'All')).status).toBe(422),
        );
        const changed = await patch({ size: 20 });
        expectStatus(changed, 422, 'Invalid');
        expect(changed.json.details.causes).toEqual([
          invalid('Invalid value: 20: size must be below 10', 'spec.size'),
        ]);
        const kept = await patch({ size: 2 });
        expect(kept.status).toBe(200);
        expect(warnings(kept)).toEqual([
          '299 - "spec.color: Invalid value: \\"red\\": red is no longer allowed"',
        ]);
      },
    );

    behaviour(
      'the Kubernetes CEL libraries (lists, regex, strings, sets, quantity, url, optionals) evaluate as kube-apiserver does',
      async t => {
        await install(t, libraries());
        const res = await t.raw.request('POST', path(t, 'libraries'), {
          body: {
            apiVersion: `${GROUP}/v1`,
            kind: 'Library',
            metadata: { name: 'l' },
          },
        });
        expect({
          status: res.status,
          causes: res.json.details?.causes,
        }).toEqual({ status: 201, causes: undefined });
      },
    );
  },
  { crds: true },
);
