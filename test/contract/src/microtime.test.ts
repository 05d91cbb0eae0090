import { behaviour, describeContract } from './lib/contract';
import { paths } from './lib/fixtures';
import { RawResponse } from './lib/raw';

/** Go's `metav1.RFC3339Micro`, which kube-apiserver names in every MicroTime parse error. */
const LAYOUT = '2006-01-02T15:04:05.000000Z07:00';

/** Go's time.ParseError for a value that does not fit the layout. */
const cannotParse = (value: string, elem: string, layoutElem: string) =>
  `parsing time ${JSON.stringify(value)} as ${JSON.stringify(
    LAYOUT,
  )}: cannot parse ${JSON.stringify(elem)} as ${JSON.stringify(layoutElem)}`;

/** Go's time.ParseError for a value that parses but is out of range. */
const outOfRange = (value: string, what: string) =>
  `parsing time ${JSON.stringify(value)}: ${what} out of range`;

/** The 400 a create or update gets when its body does not decode. */
const undecodable = (kind: string, detail: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: `${kind} in version "v1" cannot be handled as a ${kind}: ${detail}`,
  reason: 'BadRequest',
  code: 400,
});

const LEASES = 'leases';
const COORDINATION = 'coordination.k8s.io/v1';

const lease = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: COORDINATION,
  kind: 'Lease',
  metadata: { name },
  spec,
});

/** Values of acquireTime/renewTime that kube-apiserver 1.36 refuses, with its parse error. */
const REFUSED: [unknown, string][] = [
  ['2026-11-29T15:04:05Z', cannotParse('2026-11-29T15:04:05Z', 'Z', '.000000')],
  [
    '2026-11-29T15:04:05.123Z',
    cannotParse('2026-11-29T15:04:05.123Z', '.123Z', '.000000'),
  ],
  [
    '2026-11-29T15:04:05.12345Z',
    cannotParse('2026-11-29T15:04:05.12345Z', '.12345Z', '.000000'),
  ],
  [
    '2026-11-29T15:04:05.1234567Z',
    cannotParse('2026-11-29T15:04:05.1234567Z', '7Z', 'Z07:00'),
  ],
  [
    '2026-11-29T15:04:05.123456789Z',
    cannotParse('2026-11-29T15:04:05.123456789Z', '789Z', 'Z07:00'),
  ],
  [
    '2026-11-29T15:04:05+02:00',
    cannotParse('2026-11-29T15:04:05+02:00', '+02:00', '.000000'),
  ],
  [
    '2026-11-29T15:04:05.123456+0200',
    cannotParse('2026-11-29T15:04:05.123456+0200', '+0200', 'Z07:00'),
  ],
  [
    '2026-11-29T15:04:05.123456z',
    cannotParse('2026-11-29T15:04:05.123456z', 'z', 'Z07:00'),
  ],
  [
    '2026-11-29 15:04:05.123456Z',
    cannotParse('2026-11-29 15:04:05.123456Z', ' 15:04:05.123456Z', 'T'),
  ],
  ['garbage', cannotParse('garbage', 'garbage', '2006')],
  ['', cannotParse('', '', '2006')],
  [
    '2026-11-29T15:04:05.123456Z ',
    'parsing time "2026-11-29T15:04:05.123456Z ": extra text: " "',
  ],
  [
    '2026-13-29T15:04:05.123456Z',
    outOfRange('2026-13-29T15:04:05.123456Z', 'month'),
  ],
  [
    '2026-02-29T15:04:05.123456Z',
    outOfRange('2026-02-29T15:04:05.123456Z', 'day'),
  ],
  [
    '2026-11-29T24:04:05.123456Z',
    outOfRange('2026-11-29T24:04:05.123456Z', 'hour'),
  ],
  [
    '2026-11-29T15:60:05.123456Z',
    outOfRange('2026-11-29T15:60:05.123456Z', 'minute'),
  ],
  [
    '2026-11-29T15:04:60.123456Z',
    outOfRange('2026-11-29T15:04:60.123456Z', 'second'),
  ],
  [
    '2026-11-29T15:04:05.123456+25:00',
    outOfRange('2026-11-29T15:04:05.123456+25:00', 'time zone offset hour'),
  ],
  [
    5,
    'json: cannot unmarshal number into Go struct field LeaseSpec.spec.acquireTime of type string',
  ],
  [
    true,
    'json: cannot unmarshal bool into Go struct field LeaseSpec.spec.acquireTime of type string',
  ],
  [
    {},
    'json: cannot unmarshal object into Go struct field LeaseSpec.spec.acquireTime of type string',
  ],
];

/** Accepted values and what the server stores: always UTC, six digits, a period. */
const ACCEPTED: [string, string][] = [
  ['2026-11-29T15:04:05.123456Z', '2026-11-29T15:04:05.123456Z'],
  ['2026-11-29T15:04:05.000000Z', '2026-11-29T15:04:05.000000Z'],
  ['2026-11-29T15:04:05.123456+02:00', '2026-11-29T13:04:05.123456Z'],
  ['2026-11-29T15:04:05.123456-00:00', '2026-11-29T15:04:05.123456Z'],
  ['2026-11-29T15:04:05,123456Z', '2026-11-29T15:04:05.123456Z'],
  ['2026-11-29T5:04:05.123456Z', '2026-11-29T05:04:05.123456Z'],
  ['2026-11-29T15:04:05.123456+24:00', '2026-11-28T15:04:05.123456Z'],
];

/** A 422 answer to a patch whose result does not decode: the field is `patch`. */
function expectPatchRefused(
  res: RawResponse,
  detail: string,
  patched?: string,
) {
  expect(res.status).toBe(422);
  const value = patched ?? expect.stringMatching(/^"\{.*\}"$/s);
  expect(res.json).toEqual({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: expect.any(String),
    reason: 'Invalid',
    details: {
      causes: [
        {
          reason: 'FieldValueInvalid',
          message: expect.any(String),
          field: 'patch',
        },
      ],
    },
    code: 422,
  });
  const cause = res.json.details.causes[0].message as string;
  expect(res.json.message).toBe(` "" is invalid: patch: ${cause}`);
  const prefix = 'Invalid value: ';
  expect(cause.startsWith(prefix)).toBe(true);
  expect(cause.endsWith(`: ${detail}`)).toBe(true);
  expect(cause.slice(prefix.length, cause.length - detail.length - 2)).toEqual(
    value,
  );
}

describeContract('MicroTime fields', () => {
  behaviour(
    'Lease acquireTime/renewTime: six fractional digits with Z or an offset are accepted and stored in UTC; null is left out',
    async t => {
      let i = 0;
      for (const [sent, stored] of ACCEPTED) {
        const name = `ok-${i++}`;
        const res = await t.raw.request(
          'POST',
          paths.group(COORDINATION, t.ns, LEASES),
          {
            body: lease(name, {
              holderIdentity: 'a',
              acquireTime: sent,
              renewTime: sent,
            }),
          },
        );
        expect({ sent, status: res.status }).toEqual({ sent, status: 201 });
        expect(res.json.spec).toEqual({
          holderIdentity: 'a',
          acquireTime: stored,
          renewTime: stored,
        });
        const got = await t.raw.get(
          paths.group(COORDINATION, t.ns, LEASES, name),
        );
        expect(got.json.spec.renewTime).toBe(stored);
      }
      const nulls = await t.raw.request(
        'POST',
        paths.group(COORDINATION, t.ns, LEASES),
        {
          body: lease('nulls', {
            holderIdentity: 'a',
            acquireTime: null,
            renewTime: null,
          }),
        },
      );
      expect(nulls.status).toBe(201);
      expect(nulls.json.spec).toEqual({ holderIdentity: 'a' });
    },
  );

  behaviour(
    "Lease acquireTime: anything but RFC 3339 with exactly six fractional digits is 400 BadRequest with Go's parse error; nothing is stored",
    async t => {
      let i = 0;
      for (const [sent, detail] of REFUSED) {
        const name = `bad-${i++}`;
        const res = await t.raw.request(
          'POST',
          paths.group(COORDINATION, t.ns, LEASES),
          {
            body: lease(name, { holderIdentity: 'a', acquireTime: sent }),
          },
        );
        expect({ sent, status: res.status, body: res.json }).toEqual({
          sent,
          status: 400,
          body: undecodable('Lease', detail),
        });
        expect(
          (await t.raw.get(paths.group(COORDINATION, t.ns, LEASES, name)))
            .status,
        ).toBe(404);
      }
    },
  );

  behaviour(
    'Lease: renewTime is checked the same way; of two bad times the first in the body is reported',
    async t => {
      const one = await t.raw.request(
        'POST',
        paths.group(COORDINATION, t.ns, LEASES),
        {
          body: lease('renew', {
            holderIdentity: 'a',
            renewTime: '2026-11-29T15:04:05.123Z',
          }),
        },
      );
      expect(one.json).toEqual(
        undecodable(
          'Lease',
          cannotParse('2026-11-29T15:04:05.123Z', '.123Z', '.000000'),
        ),
      );
      const renewFirst = await t.raw.request(
        'POST',
        paths.group(COORDINATION, t.ns, LEASES),
        {
          body: lease('two', {
            renewTime: 'bad-renew',
            acquireTime: 'bad-acquire',
          }),
        },
      );
      expect(renewFirst.json).toEqual(
        undecodable('Lease', cannotParse('bad-renew', 'bad-renew', '2006')),
      );
      const acquireFirst = await t.raw.request(
        'POST',
        paths.group(COORDINATION, t.ns, LEASES),
        {
          body: lease('two', {
            acquireTime: 'bad-acquire',
            renewTime: 'bad-renew',
          }),
        },
      );
      expect(acquireFirst.json).toEqual(
        undecodable('Lease', cannotParse('bad-acquire', 'bad-acquire', '2006')),
      );
    },
  );

  behaviour(
    'Lease: an update to a non-MicroTime renewTime is 400 (PUT), 422 on field "patch" (merge, JSON and strategic merge patch) and 500 (server-side apply); the Lease is unchanged',
    async t => {
      const good = '2026-11-29T15:04:05.123456Z';
      const bad = '2026-11-29T15:04:05Z';
      const detail = cannotParse(bad, 'Z', '.000000');
      const collection = paths.group(COORDINATION, t.ns, LEASES);
      const path = paths.group(COORDINATION, t.ns, LEASES, 'held');
      const created = await t.raw.request('POST', collection, {
        body: lease('held', { holderIdentity: 'a', renewTime: good }),
      });
      expect(created.status).toBe(201);

      const put = await t.raw.request('PUT', path, {
        body: {
          ...created.json,
          spec: { holderIdentity: 'a', renewTime: bad },
        },
      });
      expect(put.json).toEqual(undecodable('Lease', detail));

      const merge = await t.raw.request('PATCH', path, {
        body: { spec: { renewTime: bad } },
        contentType: 'application/merge-patch+json',
      });
      expectPatchRefused(merge, detail);
      expect(merge.json.message).toContain('\\"holderIdentity\\":\\"a\\"');

      const json = await t.raw.request('PATCH', path, {
        body: [{ op: 'replace', path: '/spec/renewTime', value: bad }],
        contentType: 'application/json-patch+json',
      });
      expectPatchRefused(json, detail);

      const strategic = await t.raw.request('PATCH', path, {
        body: { spec: { renewTime: bad } },
        contentType: 'application/strategic-merge-patch+json',
      });
      expectPatchRefused(
        strategic,
        detail,
        `"map[spec:map[renewTime:${bad}]]"`,
      );
      const notString =
        'json: cannot unmarshal number into Go value of type string';
      const strategicNumber = await t.raw.request('PATCH', path, {
        body: { spec: { renewTime: 5 } },
        contentType: 'application/strategic-merge-patch+json',
      });
      expectPatchRefused(
        strategicNumber,
        notString,
        '"map[spec:map[renewTime:5]]"',
      );
      const mergeNumber = await t.raw.request('PATCH', path, {
        body: { spec: { renewTime: 5 } },
        contentType: 'application/merge-patch+json',
      });
      expectPatchRefused(
        mergeNumber,
        'json: cannot unmarshal number into Go struct field LeaseSpec.spec.renewTime of type string',
      );

      const gvk = 'coordination.k8s.io/v1, Kind=Lease';
      const conversion = (object: string) => ({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `failed to convert new object (${object}; ${gvk}) to proper version: unable to convert unstructured object to ${gvk}: ${detail}`,
        code: 500,
      });
      const applied = await t.raw.apply(
        path,
        lease('held', { holderIdentity: 'a', renewTime: bad }),
        'kars',
        true,
      );
      expect(applied.status).toBe(500);
      expect(applied.json).toEqual(conversion('/held'));
      const appliedNumber = await t.raw.apply(
        path,
        lease('held', { holderIdentity: 'a', renewTime: 5 }),
        'kars',
        true,
      );
      expect(appliedNumber.json).toEqual({
        ...conversion('/held'),
        message: conversion('/held').message.replace(
          detail,
          'json: cannot unmarshal number into Go value of type string',
        ),
      });
      const withNamespace = await t.raw.apply(
        path,
        {
          ...lease('held', { renewTime: bad }),
          metadata: { name: 'held', namespace: t.ns },
        },
        'kars',
        true,
      );
      expect(withNamespace.json).toEqual(conversion(`${t.ns}/held`));
      const fresh = await t.raw.apply(
        paths.group(COORDINATION, t.ns, LEASES, 'fresh'),
        lease('fresh', { renewTime: bad }),
        'kars',
      );
      expect(fresh.json).toEqual(conversion('/fresh'));
      expect(
        (await t.raw.get(paths.group(COORDINATION, t.ns, LEASES, 'fresh')))
          .status,
      ).toBe(404);

      const after = await t.raw.get(path);
      expect(after.json.spec).toEqual({ holderIdentity: 'a', renewTime: good });
      expect(after.json.metadata.resourceVersion).toBe(
        created.json.metadata.resourceVersion,
      );
    },
  );

  behaviour(
    'Event (v1): eventTime and series.lastObservedTime are MicroTime too (400)',
    async t => {
      const bad = '2026-11-29T15:04:05Z';
      const event = (name: string, extra: Record<string, unknown>) => ({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name },
        involvedObject: { kind: 'Pod', name: 'p', namespace: t.ns },
        reason: 'Tested',
        ...extra,
      });
      for (const extra of [
        { eventTime: bad },
        { series: { count: 2, lastObservedTime: bad } },
      ]) {
        const res = await t.raw.request('POST', paths.core(t.ns, 'events'), {
          body: event('e', extra),
        });
        expect(res.json).toEqual(
          undecodable('Event', cannotParse(bad, 'Z', '.000000')),
        );
      }
      const number = await t.raw.request('POST', paths.core(t.ns, 'events'), {
        body: event('e', { eventTime: 5 }),
      });
      expect(number.json).toEqual(
        undecodable(
          'Event',
          'json: cannot unmarshal number into Go struct field Event.eventTime of type string',
        ),
      );
      const bool = await t.raw.request('POST', paths.core(t.ns, 'events'), {
        body: event('e', { series: { count: 2, lastObservedTime: true } }),
      });
      expect(bool.json).toEqual(
        undecodable(
          'Event',
          'json: cannot unmarshal bool into Go struct field EventSeries.series.lastObservedTime of type string',
        ),
      );
    },
  );
});
