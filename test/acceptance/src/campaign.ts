import { createHmac } from 'crypto';
import {
  createSandboxRequestSchema,
  listSandboxesQuerySchema,
  putCredentialsRequestSchema,
  sandboxPatchSchema,
  SandboxSpec,
  sandboxSpecSchema,
} from '@kars-portal/plugin-kars-common';
import { Auth, HttpReply, HttpRequest } from './http';
import { Random } from './random';

/**
 * The bad-input campaign: requests generated from a seed over every route of /api/kars, each one bad
 * in a known way (and only in that way where it can be), with what its refusal must name.
 */

/** A path into a JSON body; numbers are array indexes. */
type Path = Array<string | number>;

/** One generated request. */
export interface Case {
  id: number;
  /** The route, for the table: `PATCH /sandboxes/:name`. */
  route: string;
  /** What is bad about it. */
  category: string;
  request: HttpRequest;
  /** What a refusal must name (the field, the parameter, the header). */
  names: RegExp;
  /** Values of the request that must not come back in the answer. */
  echo: string[];
  /** Create and validate requests with the same body share a pair number. */
  pair?: number;
}

/** What the campaign needs to know about the portal it runs against. */
export interface CampaignContext {
  /** The guest's own sandbox: PATCH, PUT credentials and the GET views go to it. */
  target: string;
  targetSpec: SandboxSpec;
  /** The guest's own sandbox that DELETE requests go to. */
  deleteTarget: string;
  /** Names of sandboxes that exist (a create with one of them and another spec is a conflict). */
  existing: string[];
  /** The dev-only static service token (mangled versions of it are bad tokens). */
  serviceToken: string;
  /** A planted secret: in every create and credentials body, never in an answer. */
  secret: string;
}

export const ROUTES = {
  cluster: 'GET /cluster',
  list: 'GET /sandboxes',
  validate: 'POST /sandboxes/validate',
  create: 'POST /sandboxes',
  get: 'GET /sandboxes/:name',
  patch: 'PATCH /sandboxes/:name',
  delete: 'DELETE /sandboxes/:name',
  credentials: 'PUT /sandboxes/:name/credentials',
  health: 'GET /sandboxes/:name/health',
  manifests: 'GET /sandboxes/:name/manifests',
  agentCard: 'GET /sandboxes/:name/agent-card',
  events: 'GET /sandboxes/:name/events',
  other: 'other method or path',
} as const;

const API = '/api/kars';
const GUEST: Auth = { kind: 'guest' };
const JSON_TYPE = 'application/json';
const REMOVE = Symbol('remove');

/** The string with lone UTF-16 surrogates replaced, so it can be URL-encoded. */
const wellFormed = (s: string) =>
  s.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A path as a refusal names it: `spec.networkPolicy.allowedEndpoints.0.host`, any index. */
function pathPattern(path: Path): string {
  return path
    .map(p => (typeof p === 'number' ? '\\d+' : escape(p)))
    .join('\\.');
}

const namesAny = (paths: Path[]) =>
  new RegExp(paths.map(pathPattern).join('|'), 'i');

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

/** Sets (or with REMOVE deletes) the value at a path, making objects and arrays on the way. */
function setAt(body: any, path: Path, value: unknown) {
  let node = body;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    if (node[key] === null || typeof node[key] !== 'object') {
      node[key] = typeof path[i + 1] === 'number' ? [] : {};
    }
    node = node[key];
  }
  const last = path[path.length - 1];
  // A copy: the catalogs' values are shared, and a later mutation may write into this one.
  if (value === REMOVE) delete node[last];
  else node[last] = value === undefined ? value : clone(value);
}

/** A body mutation: values set at paths, and the paths a refusal must name. */
interface Mutation {
  set: Array<[Path, unknown]>;
  names: Path[];
  /** Refused by the backend though the shared schema accepts it (cluster rules). */
  backendRule?: boolean;
}

const one = (path: Path, value: unknown, names: Path = path): Mutation => ({
  set: [[path, value]],
  names: [names],
});

const WRONG_TYPES: unknown[] = [
  null,
  true,
  0,
  -1,
  'x',
  [],
  {},
  [[]],
  { a: {} },
];
const NUMBERS: unknown[] = [
  -1, -1000, 1.5, 0.25, 1e21, 9007199254740993, -9007199254740993, 1e308,
];
const NASTY: string[] = [
  '',
  ' ',
  '\t',
  'null',
  'UPPER',
  'tenänt',
  'ｔｅｎａｎｔ',
  '😀',
  'a\u202eb',
  'a\u200db',
  'a\u0000b',
  'a\nb',
  "a' OR '1'='1",
  'a"; DROP TABLE sandboxes; --',
  '$(id)',
  '`id`',
  '${jndi:ldap://localhost/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '\r\nX-Injected: 1',
  '{"$ne":null}',
  'a'.repeat(300),
  'é'.repeat(120),
];
const CHAR_POOLS: string[][] = [
  [...'abcdefghijklmnopqrstuvwxyz'],
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
  [...'0123456789'],
  [...' -_.:/@#$%^&*()[]{}<>|\\\'"`~!?,;=+'],
  ['\u0000', '\u0007', '\t', '\n', '\r', '\u001b', '\u007f'],
  [
    ...'éßøñüΩЖжكע中文字한',
    '😀',
    '🔥',
    '\u200b',
    '\u200d',
    '\u202e',
    '\ufeff',
    '\ud83d',
  ],
];
const FRAGMENTS = NASTY.slice(12, 23);

/** A random string, likely bad for any named field: mixed alphabets, control characters, injections. */
function randomString(r: Random): string {
  if (r.chance(0.15)) return r.pick(NASTY);
  const length = r.chance(0.05) ? 200 + r.int(4000) : r.int(40);
  let out = '';
  while (out.length < length) {
    out += r.chance(0.1) ? r.pick(FRAGMENTS) : r.pick(r.pick(CHAR_POOLS));
  }
  return out;
}

function randomBad(r: Random): unknown {
  const kind = r.int(3);
  if (kind === 0) return randomString(r);
  if (kind === 1) return r.pick(NUMBERS);
  return r.pick(WRONG_TYPES);
}

/** Bad values per field of a sandbox spec (under `spec` in a create, at the top in a PATCH). */
function specFieldCatalog(): Array<[Path, unknown[]]> {
  const budgetBad = [
    -1,
    1.5,
    '100',
    null,
    true,
    9007199254740993,
    1e300,
    [],
    {},
  ];
  const severityBad = ['medium', 'Extreme', '', 0, 2, null, ['Low']];
  return [
    [
      ['owner'],
      [
        1,
        '',
        'team-a',
        'component:default/x',
        'group:',
        'user:default/',
        'group:default/team a',
        ...NASTY,
      ],
    ],
    [
      ['runtime'],
      [
        'OpenClaw',
        [],
        { kind: 'openclaw' },
        { kind: 1 },
        { kind: 'OpenClaw', image: 'evil' },
      ],
    ],
    [
      ['runtime', 'kind'],
      ['openclaw', 'BYOO', '', 1, null, 'Shell'],
    ],
    [
      ['sandbox'],
      ['enhanced', [], { isolation: 'enhanced', privileged: true }],
    ],
    [
      ['sandbox', 'isolation'],
      [
        'Enhanced',
        'none',
        'privileged',
        '',
        1,
        null,
        ['enhanced'],
        'standard ',
      ],
    ],
    [
      ['model'],
      [
        '',
        ' ',
        'gpt 4',
        '-gpt',
        'gpt-',
        'a'.repeat(101),
        1,
        null,
        {},
        ...NASTY,
      ],
    ],
    [['tokenBudget'], [1, 'x', [], null]],
    [['tokenBudget', 'perRequestTokens'], budgetBad],
    [['tokenBudget', 'dailyTokens'], budgetBad],
    [['tokenBudget', 'monthlyTokens'], budgetBad],
    [['contentSafety'], [1, 'Medium', []]],
    [['contentSafety', 'hate'], severityBad],
    [['contentSafety', 'selfHarm'], severityBad],
    [['contentSafety', 'sexual'], severityBad],
    [['contentSafety', 'violence'], severityBad],
    [
      ['contentSafety', 'devOnly'],
      ['true', 1, null],
    ],
    [['contentSafety', 'floor'], ['Safe']],
    [
      ['channels'],
      [
        'telegram',
        {},
        [{ type: 'irc' }],
        [{ type: 'Telegram' }],
        [{}],
        [{ type: 'telegram', token: 'x' }],
        [null],
        [1],
        [
          { type: 'telegram' },
          { type: 'slack' },
          { type: 'discord' },
          { type: 'whatsapp' },
          { type: 'teams' },
        ],
      ],
    ],
    [
      ['networkPolicy'],
      [
        'x',
        null,
        { allowedEndpoints: 'x' },
        { allowedEndpoints: [], extra: 1 },
      ],
    ],
    [
      ['networkPolicy', 'allowedEndpoints', 0, 'host'],
      [
        '127.0.0.1',
        '127.0.0.1/8',
        '169.254.169.254',
        '169.254.0.0/16',
        '0.0.0.0/0',
        '0.0.0.0',
        '10.0.0.0/4',
        '224.0.0.1',
        '239.255.255.250',
        '255.255.255.255',
        '256.1.1.1',
        '1.2.3.4/33',
        '1.2.3.4/7',
        'EXAMPLE.com',
        '*.example.com',
        '::1',
        '2001:db8::1',
        'example.com:443',
        'http://example.com',
        'example',
        '',
        'a'.repeat(254),
        'exa mple.com',
        '-example.com',
        'example..com',
        '.example.com',
        1,
        null,
        'example.com\u0000.evil.com',
      ],
    ],
    [
      ['networkPolicy', 'allowedEndpoints', 0, 'port'],
      [0, 65536, -1, '443', 1.5, null, 'https', 1e9],
    ],
    [['networkPolicy', 'allowedEndpoints', 0, 'protocol'], ['UDP']],
    [
      ['networkPolicy', 'allowedEndpoints', 0],
      ['example.com:443', null, 1, []],
    ],
    [
      ['governance'],
      ['on', null, { enabled: 'yes' }, { enabled: true, mode: 'x' }],
    ],
    [
      ['governance', 'enabled'],
      ['true', 1, null],
    ],
    [
      ['governance', 'trustThreshold'],
      [-1, 1001, 1.5, '500', null],
    ],
    [
      ['a2a', 'enabled'],
      ['yes', 0, null],
    ],
    [
      ['a2a', 'description'],
      ['x'.repeat(1001), 1, null, ['x']],
    ],
    [
      ['a2a', 'skills'],
      [
        'x',
        [{}],
        [{ id: 'Bad Id', name: 'n' }],
        [{ id: 'a', name: '' }],
        [{ id: 'a', name: 'n', tags: Array(21).fill('t') }],
        [{ id: 'a', name: 'n', tags: ['x'.repeat(51)] }],
        [{ id: 'a', name: 'n', run: 'x' }],
      ],
    ],
    [
      ['resources', 'limits', 'cpu'],
      [
        '0',
        '50m',
        '99m',
        '17',
        '16001m',
        '1.2345',
        '1e3',
        'abc',
        '',
        1,
        null,
        '-1',
      ],
    ],
    [
      ['resources', 'limits', 'memory'],
      ['100Mi', '255Mi', '65Gi', '1G', '4gi', '4GiB', '', 4, null, '0Mi'],
    ],
    [['resources'], ['x', { limits: 'x' }, { requests: {} }]],
    [['workloadIdentity'], ['x', {}, 1]],
    [
      ['workloadIdentity', 'clientId'],
      [
        'not-a-uuid',
        '',
        1,
        '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4bb',
        '6f1c2a3b4d5e4f608a7b9c0d1e2f3a4b',
      ],
    ],
    [['suspended'], ['false', 0, 1, null]],
    [['privileged'], [true]],
    [['runtimeClassName'], ['runc']],
    [['hostNetwork'], [true]],
  ];
}

/** Mutations that break a rule across fields, or an entry of a list against another. */
function specRuleMutations(prefix: Path): Mutation[] {
  const p = (...rest: Path) => [...prefix, ...rest];
  return [
    {
      set: [[p('tokenBudget'), { dailyTokens: 100, monthlyTokens: 10 }]],
      names: [p('tokenBudget', 'monthlyTokens')],
    },
    {
      set: [[p('tokenBudget'), { perRequestTokens: 50, dailyTokens: 10 }]],
      names: [p('tokenBudget', 'dailyTokens')],
    },
    {
      set: [[p('tokenBudget'), { perRequestTokens: 500, monthlyTokens: 100 }]],
      names: [p('tokenBudget', 'monthlyTokens')],
    },
    {
      set: [[p('channels'), [{ type: 'telegram' }, { type: 'telegram' }]]],
      names: [p('channels')],
    },
    {
      set: [
        [
          p('networkPolicy', 'allowedEndpoints'),
          [
            { host: 'api.example.com', port: 443 },
            { host: 'api.example.com', port: 443 },
          ],
        ],
      ],
      names: [p('networkPolicy', 'allowedEndpoints')],
    },
    {
      set: [
        [
          p('networkPolicy', 'allowedEndpoints'),
          Array.from({ length: 65 }, (_, i) => ({
            host: `h${i}.example.com`,
            port: 443,
          })),
        ],
      ],
      names: [p('networkPolicy', 'allowedEndpoints')],
    },
    {
      set: [
        [
          p('a2a', 'skills'),
          [
            { id: 'a', name: 'n' },
            { id: 'a', name: 'm' },
          ],
        ],
      ],
      names: [p('a2a', 'skills')],
    },
    {
      set: [
        [
          p('a2a', 'skills'),
          Array.from({ length: 33 }, (_, i) => ({ id: `s${i}`, name: 'n' })),
        ],
      ],
      names: [p('a2a', 'skills')],
    },
    ...['hate', 'selfHarm', 'sexual', 'violence'].map(c => ({
      set: [[p('contentSafety', c), 'High']] as Array<[Path, unknown]>,
      names: [p('contentSafety', c)],
      backendRule: true,
    })),
  ];
}

/** Bad values per credential key, and keys that are no credential (environment injection). */
function credentialCatalog(secret: string): Array<[Path, unknown[]]> {
  const apiKeyBad = [
    '',
    `${secret} `,
    `${secret}\u0000`,
    'ключ',
    `x${'y'.repeat(4096)}`,
    1,
    null,
    [],
  ];
  return [
    [
      ['TELEGRAM_BOT_TOKEN'],
      ['bad', '123:short', `123456789:${secret} `, '', 1, `12:${secret}`],
    ],
    [['TELEGRAM_ALLOW_FROM'], ['a b', ',', 'x'.repeat(1025), 1]],
    [['SLACK_BOT_TOKEN'], ['xoxp-123', 'xoxb-', `xoxb-${secret}!`, 1]],
    [['DISCORD_BOT_TOKEN'], ['abc', 'a.b.c', `${secret}.x.y`]],
    [['WHATSAPP_ENABLED'], ['yes', true, 'TRUE', '1']],
    [['BRAVE_API_KEY'], apiKeyBad],
    [['TAVILY_API_KEY'], apiKeyBad],
    [['EXA_API_KEY'], apiKeyBad],
    [['FIRECRAWL_API_KEY'], apiKeyBad],
    [['PERPLEXITY_API_KEY'], apiKeyBad],
    [['OPENAI_API_KEY'], apiKeyBad],
    [['AWS_SECRET_ACCESS_KEY'], [secret]],
    [['LD_PRELOAD'], ['/tmp/x.so']],
    [['PATH'], ['/tmp']],
    [['KUBECONFIG'], ['/tmp/k']],
    [['brave_api_key'], [secret]],
  ];
}

function authVariants(
  ctx: CampaignContext,
  marker: string,
): Array<{ auth: Auth; label: string }> {
  const b64 = (v: unknown) =>
    Buffer.from(JSON.stringify(v)).toString('base64url');
  const claims = {
    sub: 'user:default/guest',
    ent: ['user:default/guest', 'group:default/platform'],
    iss: 'http://localhost:7007/api/auth',
    aud: 'backstage',
    iat: 1_700_000_000,
    exp: 4_000_000_000,
  };
  const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
  const hsBody = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  const hs = `${hsBody}.${createHmac('sha256', 'secret')
    .update(hsBody)
    .digest('base64url')}`;
  const es = `${b64({ alg: 'ES256', kid: marker })}.${b64(
    claims,
  )}.${Buffer.from(marker.repeat(3)).toString('base64url')}`;
  const raw = (header: string, label: string) => ({
    auth: { kind: 'raw', header } as Auth,
    label,
  });
  return [
    { auth: { kind: 'none' }, label: 'no token' },
    raw('Bearer', 'empty bearer'),
    raw(`Bearer ${marker}`, 'garbage bearer'),
    raw(`bearer ${marker}`, 'garbage lowercase bearer'),
    raw(
      `Basic ${Buffer.from(`guest:${marker}`).toString('base64')}`,
      'basic auth',
    ),
    raw(`Bearer ${unsigned}`, 'unsigned JWT claiming platform'),
    raw(`Bearer ${hs}`, 'HS256 JWT claiming platform'),
    raw(`Bearer ${es}`, 'forged ES256 JWT'),
    raw(`Bearer ${ctx.serviceToken}x`, 'static token with a character more'),
    raw(
      `Bearer ${ctx.serviceToken.slice(0, -1)}`,
      'static token with a character less',
    ),
    raw(`Token ${ctx.serviceToken}`, 'static token, wrong scheme'),
    raw(`Bearer ${marker}${'A'.repeat(8000)}`, '8 KB token'),
  ];
}

const BAD_NAMES = [
  'UPPER',
  'Tenant-A',
  '-a',
  'a-',
  'a_b',
  'a.b',
  'system',
  'kars-system',
  'a'.repeat(53),
  'a'.repeat(300),
  '%00',
  '%20',
  'tenant-a%20',
  '%E2%80%AE',
  '%F0%9F%98%80',
  'ten%C3%A4nt',
  'acc-does-not-exist',
  'tenant-a%3B',
  "a'%20OR%20'1'%3D'1",
  '%3Cscript%3E',
  'tenant-a%0D%0AX-Injected:%201',
  '%24(id)',
  'a%2Fb',
  '%7B%7B7*7%7D%7D',
];

const BAD_DRY_RUNS = [
  'dryRun=1',
  'dryRun=0',
  'dryRun=TRUE',
  'dryRun=True',
  'dryRun=yes',
  'dryRun=false',
  'dryRun=',
  'dryRun=all',
  'dryRun=ALL',
  'dryRun=true%20',
  'dryRun=%20true',
  'dryRun=null',
  'dryRun=t',
  'dryRun=truee',
  'dryRun=%00',
  'dryRun=true,true',
  'dryRun=true&dryRun=true',
  'dryRun=true&dryRun=All',
  'dryRun[]=true',
  'dryRun[a]=true',
  'dryRun',
];

const BAD_CONTENT_TYPES = [
  undefined,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'text/json',
  'application/json-patch+json',
  'application/javascript',
  'application/octet-stream',
  'application/jsonx',
  'json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
];

const MALFORMED = (secret: string, marker: string) => [
  '{',
  '{"name":',
  `{"name": "${marker}",}`,
  `{'name':'${marker}'}`,
  `{"name": "x"} ${marker}`,
  'NaN',
  '[1,2',
  '{"a":1}{"b":2}',
  `\ufeff{"name":"${marker}"`,
  'null',
  '"string"',
  '123',
  'true',
  `{"credentials":{"BRAVE_API_KEY":"${secret}`,
  `{"credentials": {"BRAVE_API_KEY": "${secret}"}, }`,
  `{"name":"x","spec":{"model":"${marker}"`,
];

/** A PATCH names a field it does not know (the runtime is fixed at creation) at its top. */
function patchNames(path: Path): Path {
  return Object.keys(sandboxPatchSchema.shape).includes(String(path[0]))
    ? path
    : path.slice(0, 1);
}

/** One of three values, by the body route: PATCH, PUT credentials, or create and validate. */
function perRoute<T>(
  route: string,
  values: { patch: T; credentials: T; create: T },
): T {
  if (route === ROUTES.patch) return values.patch;
  if (route === ROUTES.credentials) return values.credentials;
  return values.create;
}

/** Everything the campaign sends, generated from `seed`, at least `total` requests. */
export function generateCampaign(
  ctx: CampaignContext,
  seed: number,
  total: number,
): Case[] {
  const r = new Random(seed);
  const cases: Case[] = [];
  let pairs = 0;
  const marker = (id: number) => `ACCECHO${seed.toString(36)}x${id}x`;
  const add = (c: Omit<Case, 'id'>) => cases.push({ ...c, id: cases.length });
  const nextMarker = () => marker(cases.length);

  const baseCreate = (name: string) => ({
    name,
    spec: {
      owner: 'group:default/team-a',
      channels: [{ type: 'telegram' }],
      networkPolicy: {
        allowedEndpoints: [{ host: 'api.example.com', port: 443 }],
      },
      a2a: {
        skills: [
          { id: 's1', name: 'Skill', description: 'A skill', tags: ['test'] },
        ],
      },
      resources: { limits: { cpu: '1', memory: '1Gi' } },
    },
    credentials: { BRAVE_API_KEY: ctx.secret },
  });
  const basePut = () => ({
    credentials: { BRAVE_API_KEY: ctx.secret },
    restart: false,
  });
  const harmlessPatch = (i: number) => ({
    a2a: { description: `campaign ${i}` },
  });

  const isBadCreate = (body: unknown) =>
    !createSandboxRequestSchema.safeParse(body).success;
  const isBadPatch = (body: unknown) => {
    const patch = sandboxPatchSchema.safeParse(body);
    if (!patch.success) return true;
    return !sandboxSpecSchema.safeParse(
      mergePatch(ctx.targetSpec, body as Record<string, unknown>),
    ).success;
  };
  const isBadPut = (body: unknown) =>
    !putCredentialsRequestSchema.safeParse(body).success;

  const dryRunSuffix = () => {
    if (!r.chance(0.2)) return '';
    return r.chance(0.5) ? '?dryRun=true' : '?dryRun=All';
  };

  const emitCreate = (
    body: unknown,
    names: RegExp,
    category: string,
    echo: string[],
  ) => {
    const pair = pairs++;
    const text = JSON.stringify(body);
    add({
      route: ROUTES.create,
      category,
      pair,
      names,
      echo,
      request: {
        method: 'POST',
        path: `${API}/sandboxes${dryRunSuffix()}`,
        auth: GUEST,
        body: text,
        contentType: JSON_TYPE,
      },
    });
    add({
      route: ROUTES.validate,
      category,
      pair,
      names,
      echo,
      request: {
        method: 'POST',
        path: `${API}/sandboxes/validate`,
        auth: GUEST,
        body: text,
        contentType: JSON_TYPE,
      },
    });
  };
  const emitPatch = (
    body: unknown,
    names: RegExp,
    category: string,
    echo: string[],
  ) =>
    add({
      route: ROUTES.patch,
      category,
      names,
      echo,
      request: {
        method: 'PATCH',
        path: `${API}/sandboxes/${ctx.target}${dryRunSuffix()}`,
        auth: GUEST,
        body: JSON.stringify(body),
        contentType: JSON_TYPE,
      },
    });
  const emitPut = (
    body: unknown,
    names: RegExp,
    category: string,
    echo: string[],
  ) =>
    add({
      route: ROUTES.credentials,
      category,
      names,
      echo,
      request: {
        method: 'PUT',
        path: `${API}/sandboxes/${ctx.target}/credentials${dryRunSuffix()}`,
        auth: GUEST,
        body: JSON.stringify(body),
        contentType: JSON_TYPE,
      },
    });

  const applyCreate = (m: Mutation, id: number) => {
    const body = baseCreate(`acc-cmp-new-${id}`);
    for (const [path, value] of m.set) setAt(body, path, value);
    return body;
  };
  const applyPatch = (m: Mutation, id: number) => {
    const body: any = harmlessPatch(id);
    for (const [path, value] of m.set) setAt(body, path, value);
    return body;
  };
  const applyPut = (m: Mutation) => {
    const body: any = basePut();
    for (const [path, value] of m.set) setAt(body, path, value);
    return body;
  };
  const stringsIn = (m: Mutation) =>
    m.set.flatMap(([, v]) =>
      typeof v === 'string' && v.includes('ACCECHO') ? [v] : [],
    );

  // 1. Every field of a create body, each bad value, alone.
  const createMutations: Mutation[] = [
    ...specFieldCatalog().flatMap(([path, values]) =>
      values.map(v => one(['spec', ...path], v)),
    ),
    ...[
      1,
      true,
      null,
      [],
      {},
      '',
      'A',
      'Tenant-a',
      '-a',
      'a-',
      '1a',
      'a_b',
      'a.b',
      'a b',
      'system',
      'a'.repeat(53),
      ...NASTY,
    ].map(v => one(['name'], v)),
    one(['name'], REMOVE),
    ...[null, 'x', 1, [], true].map(v => one(['spec'], v)),
    ...['', 'a'.repeat(64), 1, null, {}].map(v => one(['cluster'], v)),
    { ...one(['cluster'], 'nope'), backendRule: true },
    ...[1, 'x', [], null].map(v => one(['credentials'], v)),
    ...credentialCatalog(ctx.secret).flatMap(([path, values]) =>
      values.map(v => one(['credentials', ...path], v)),
    ),
    ...['foo', 'status', 'metadata', 'namespace', 'apiVersion'].map(k =>
      one([k], { x: 1 }),
    ),
    ...specRuleMutations(['spec']),
  ];
  for (const m of createMutations) {
    const body = applyCreate(m, cases.length);
    if (!m.backendRule && !isBadCreate(body)) continue;
    emitCreate(body, namesAny(m.names), 'body field', [
      ctx.secret,
      ...stringsIn(m),
    ]);
  }
  // A valid spec under a name that is taken: a conflict, for the real create, the dry run and validate.
  for (const name of ctx.existing) {
    const body = {
      name,
      spec: { model: 'not-its-model', owner: 'group:default/team-a' },
    };
    const pair = pairs++;
    for (const path of [`${API}/sandboxes`, `${API}/sandboxes?dryRun=true`]) {
      add({
        route: ROUTES.create,
        category: 'name taken',
        pair,
        names: /name|exists|taken/i,
        echo: [],
        request: {
          method: 'POST',
          path,
          auth: GUEST,
          body: JSON.stringify(body),
          contentType: JSON_TYPE,
        },
      });
    }
    add({
      route: ROUTES.validate,
      category: 'name taken',
      pair,
      names: /name/i,
      echo: [],
      request: {
        method: 'POST',
        path: `${API}/sandboxes/validate`,
        auth: GUEST,
        body: JSON.stringify(body),
        contentType: JSON_TYPE,
      },
    });
  }

  // 2. Every field of a PATCH body.
  const patchMutations: Mutation[] = [
    ...specFieldCatalog()
      .map(
        ([path, values]) =>
          [
            path,
            values.filter(
              v =>
                !(
                  path[0] === 'workloadIdentity' &&
                  path.length === 1 &&
                  v === null
                ),
            ),
          ] as [Path, unknown[]],
      )
      .flatMap(([path, values]) =>
        values.map(v => one(path, v, patchNames(path))),
      ),
    ...[
      'runtime',
      'name',
      'cluster',
      'credentials',
      'status',
      'spec',
      'metadata',
    ].map(k => one([k], k === 'runtime' ? { kind: 'BYO' } : 'x')),
    ...specRuleMutations([]),
  ];
  for (const m of patchMutations) {
    const body = applyPatch(m, cases.length);
    if (!m.backendRule && !isBadPatch(body)) continue;
    emitPatch(body, namesAny(m.names), 'body field', stringsIn(m));
  }

  // 3. Every field of a PUT credentials body.
  const putMutations: Mutation[] = [
    ...[null, 'x', [], 1, true].map(v => one(['credentials'], v)),
    one(['credentials'], REMOVE),
    ...credentialCatalog(ctx.secret).flatMap(([path, values]) =>
      values.map(v => one(['credentials', ...path], v)),
    ),
    ...['upsert', '', 1, null, 'MERGE'].map(v => one(['mode'], v)),
    ...['yes', 1, null, 'true'].map(v => one(['restart'], v)),
    one(['extra'], 1),
    one(['name'], ctx.target),
  ];
  for (const m of putMutations) {
    const body = applyPut(m);
    if (!isBadPut(body)) continue;
    emitPut(body, namesAny(m.names), 'body field', [
      ctx.secret,
      ...stringsIn(m),
    ]);
  }

  // 4. The list's query.
  const query: Array<[string, string]> = [
    ...[
      'abc',
      '-1',
      '0',
      '501',
      '1.5',
      '',
      '%20',
      '1e3',
      'Infinity',
      'NaN',
      '%D9%A1%D9%A2',
      '9'.repeat(400),
    ].map(v => ['limit', `limit=${v}`] as [string, string]),
    ['limit', 'limit=1&limit=2'],
    ['limit', 'limit[]=1'],
    ['limit', 'limit[a]=1'],
    ...[
      'x',
      'x'.repeat(501),
      '%00',
      'eyJvZmZzZXQiOi0xfQ',
      '%7B%22offset%22%3A1%7D',
      '%F0%9F%98%80',
      'eyJvZmZzZXQiOjEsImZpbmdlcnByaW50IjoieCJ9',
    ].map(v => ['cursor', `cursor=${v}`] as [string, string]),
    ...['bogus', 'NAME', '', 'name;drop', '__proto__'].map(
      v => ['sort', `sort=${v}`] as [string, string],
    ),
    ...['up', 'ASC', '', 'desc%00'].map(
      v => ['order', `order=${v}`] as [string, string],
    ),
    ...['running', 'Bogus', ''].map(
      v => ['phase', `phase=${v}`] as [string, string],
    ),
    ...['Enhanced', 'x', ''].map(
      v => ['isolation', `isolation=${v}`] as [string, string],
    ),
    ...['yes', '1', 'TRUE', ''].map(
      v => ['trouble', `trouble=${v}`] as [string, string],
    ),
    ['q', `q=${'x'.repeat(101)}`],
    ['owner', `owner=${'x'.repeat(254)}`],
    ['model', `model=${'x'.repeat(101)}`],
    ['foo', 'foo=bar'],
    ['dryRun', 'dryRun=true'],
    ['dryRun', 'dryRun=1'],
    ['constructor', 'constructor[prototype][x]=1'],
    ['sort', 'sort=name&sort=owner'],
    ['q', 'q[]=a'],
  ];
  for (const [param, q] of query) {
    add({
      route: ROUTES.list,
      category: 'query',
      names: new RegExp(escape(param), 'i'),
      echo: [],
      request: { method: 'GET', path: `${API}/sandboxes?${q}`, auth: GUEST },
    });
  }

  // 5. dryRun values other than true and All, on every write, with an otherwise valid request.
  BAD_DRY_RUNS.forEach((q, i) => {
    add({
      route: ROUTES.create,
      category: 'dryRun',
      names: /dryRun/i,
      echo: [ctx.secret],
      request: {
        method: 'POST',
        path: `${API}/sandboxes?${q}`,
        auth: GUEST,
        body: JSON.stringify(baseCreate(`acc-cmp-dr-${i}`)),
        contentType: JSON_TYPE,
      },
    });
    add({
      route: ROUTES.patch,
      category: 'dryRun',
      names: /dryRun/i,
      echo: [],
      request: {
        method: 'PATCH',
        path: `${API}/sandboxes/${ctx.target}?${q}`,
        auth: GUEST,
        body: JSON.stringify(harmlessPatch(i)),
        contentType: JSON_TYPE,
      },
    });
    add({
      route: ROUTES.delete,
      category: 'dryRun',
      names: /dryRun/i,
      echo: [],
      request: {
        method: 'DELETE',
        path: `${API}/sandboxes/${ctx.deleteTarget}?${q}`,
        auth: GUEST,
      },
    });
    add({
      route: ROUTES.credentials,
      category: 'dryRun',
      names: /dryRun/i,
      echo: [ctx.secret],
      request: {
        method: 'PUT',
        path: `${API}/sandboxes/${ctx.target}/credentials?${q}`,
        auth: GUEST,
        body: JSON.stringify(basePut()),
        contentType: JSON_TYPE,
      },
    });
  });

  // 6. Bad credentials on every route, each with an otherwise valid request.
  const validRequests = (
    i: number,
  ): Array<{ route: string; method: string; path: string; body?: unknown }> => [
    { route: ROUTES.cluster, method: 'GET', path: `${API}/cluster` },
    { route: ROUTES.list, method: 'GET', path: `${API}/sandboxes` },
    {
      route: ROUTES.validate,
      method: 'POST',
      path: `${API}/sandboxes/validate`,
      body: baseCreate(`acc-cmp-auth-${i}`),
    },
    {
      route: ROUTES.create,
      method: 'POST',
      path: `${API}/sandboxes`,
      body: baseCreate(`acc-cmp-auth-${i}`),
    },
    {
      route: ROUTES.get,
      method: 'GET',
      path: `${API}/sandboxes/${ctx.target}`,
    },
    {
      route: ROUTES.patch,
      method: 'PATCH',
      path: `${API}/sandboxes/${ctx.target}`,
      body: harmlessPatch(i),
    },
    {
      route: ROUTES.delete,
      method: 'DELETE',
      path: `${API}/sandboxes/${ctx.deleteTarget}`,
    },
    {
      route: ROUTES.credentials,
      method: 'PUT',
      path: `${API}/sandboxes/${ctx.target}/credentials`,
      body: basePut(),
    },
    {
      route: ROUTES.health,
      method: 'GET',
      path: `${API}/sandboxes/${ctx.target}/health`,
    },
    {
      route: ROUTES.manifests,
      method: 'GET',
      path: `${API}/sandboxes/${ctx.target}/manifests`,
    },
    {
      route: ROUTES.agentCard,
      method: 'GET',
      path: `${API}/sandboxes/${ctx.target}/agent-card`,
    },
    {
      route: ROUTES.events,
      method: 'GET',
      path: `${API}/sandboxes/${ctx.target}/events`,
    },
  ];
  for (const v of validRequests(0)) {
    const m = nextMarker();
    for (const { auth, label } of authVariants(ctx, m)) {
      const request = validRequests(cases.length).find(
        x => x.route === v.route,
      )!;
      add({
        route: v.route,
        category: `auth: ${label}`,
        names: /credential|token|auth/i,
        echo: [m, ctx.secret],
        request: {
          method: request.method,
          path: request.path,
          auth,
          ...(request.body
            ? { body: JSON.stringify(request.body), contentType: JSON_TYPE }
            : {}),
        },
      });
    }
  }

  // 7. Bad sandbox names in the path, on every route that takes one.
  const named: Array<{
    route: string;
    method: string;
    suffix: string;
    body?: unknown;
  }> = [
    { route: ROUTES.get, method: 'GET', suffix: '' },
    {
      route: ROUTES.patch,
      method: 'PATCH',
      suffix: '',
      body: harmlessPatch(0),
    },
    { route: ROUTES.delete, method: 'DELETE', suffix: '' },
    {
      route: ROUTES.credentials,
      method: 'PUT',
      suffix: '/credentials',
      body: basePut(),
    },
    { route: ROUTES.health, method: 'GET', suffix: '/health' },
    { route: ROUTES.manifests, method: 'GET', suffix: '/manifests' },
    { route: ROUTES.agentCard, method: 'GET', suffix: '/agent-card' },
    { route: ROUTES.events, method: 'GET', suffix: '/events' },
  ];
  for (const n of named) {
    for (const name of BAD_NAMES) {
      add({
        route: n.route,
        category: 'bad name in path',
        names: /sandbox|name/i,
        echo: n.body ? [ctx.secret] : [],
        request: {
          method: n.method,
          path: `${API}/sandboxes/${name}${n.suffix}`,
          auth: GUEST,
          ...(n.body
            ? { body: JSON.stringify(n.body), contentType: JSON_TYPE }
            : {}),
        },
      });
    }
  }

  // 8. Methods and paths that are no route.
  const noRoute: Array<[string, string]> = [
    ['PUT', '/sandboxes'],
    ['DELETE', '/sandboxes'],
    ['PATCH', '/sandboxes'],
    ['POST', `/sandboxes/${ctx.target}`],
    ['PUT', `/sandboxes/${ctx.target}`],
    ['GET', `/sandboxes/${ctx.target}/credentials`],
    ['POST', `/sandboxes/${ctx.target}/credentials`],
    ['PATCH', `/sandboxes/${ctx.target}/credentials`],
    ['DELETE', `/sandboxes/${ctx.target}/credentials`],
    ['POST', '/cluster'],
    ['DELETE', '/cluster'],
    ['PUT', '/cluster'],
    ['POST', `/sandboxes/${ctx.target}/health`],
    ['DELETE', `/sandboxes/${ctx.target}/events`],
    ['PUT', '/sandboxes/validate'],
    ['GET', '/nope'],
    ['POST', '/nope'],
    ['GET', `/sandboxes/${ctx.target}/nope`],
    ['DELETE', `/sandboxes/${ctx.target}/manifests`],
    ['PATCH', `/sandboxes/${ctx.target}/agent-card`],
  ];
  for (const [method, path] of noRoute) {
    add({
      route: ROUTES.other,
      category: 'no such route',
      names: /not found|no route|method|cannot/i,
      echo: [],
      request: {
        method,
        path: `${API}${path}`,
        auth: GUEST,
        ...(method === 'GET' ? {} : { body: '{}', contentType: JSON_TYPE }),
      },
    });
  }

  // 9. Content types other than JSON (merge-patch JSON is JSON for PATCH only), with valid bodies.
  const bodies: Array<{
    route: string;
    method: string;
    path: string;
    body: unknown;
    mergePatchOk?: boolean;
  }> = [
    {
      route: ROUTES.create,
      method: 'POST',
      path: `${API}/sandboxes`,
      body: baseCreate('acc-cmp-ct'),
    },
    {
      route: ROUTES.validate,
      method: 'POST',
      path: `${API}/sandboxes/validate`,
      body: baseCreate('acc-cmp-ct'),
    },
    {
      route: ROUTES.patch,
      method: 'PATCH',
      path: `${API}/sandboxes/${ctx.target}`,
      body: harmlessPatch(1),
      mergePatchOk: true,
    },
    {
      route: ROUTES.credentials,
      method: 'PUT',
      path: `${API}/sandboxes/${ctx.target}/credentials`,
      body: basePut(),
    },
  ];
  for (const b of bodies) {
    const types = b.mergePatchOk
      ? BAD_CONTENT_TYPES
      : [...BAD_CONTENT_TYPES, 'application/merge-patch+json'];
    types.forEach((contentType, i) => {
      add({
        route: b.route,
        category: 'content type',
        names: /content.?type|charset|json/i,
        echo: [ctx.secret],
        request: {
          method: b.method,
          path: b.path.replace('acc-cmp-ct', `acc-cmp-ct-${i}`),
          auth: GUEST,
          body: JSON.stringify(b.body).replace('acc-cmp-ct', `acc-cmp-ct-${i}`),
          contentType,
        },
      });
    });
  }

  // 10. Malformed JSON, JSON that is no object, invalid UTF-8, deep nesting, huge bodies, prototype keys.
  const bodyRoutes = [bodies[0], bodies[1], bodies[2], bodies[3]];
  for (const b of bodyRoutes) {
    const m = nextMarker();
    for (const text of MALFORMED(ctx.secret, m)) {
      add({
        route: b.route,
        category: 'malformed JSON',
        names: /json|body|syntax|parse|object/i,
        echo: [m, ctx.secret],
        request: {
          method: b.method,
          path: b.path,
          auth: GUEST,
          body: text,
          contentType: JSON_TYPE,
        },
      });
    }
    add({
      route: b.route,
      category: 'JSON array body',
      names: /body|object|request/i,
      echo: [],
      request: {
        method: b.method,
        path: b.path,
        auth: GUEST,
        body: '[]',
        contentType: JSON_TYPE,
      },
    });
    // Bytes that are no UTF-8 inside a string of a known field.
    const invalid = Buffer.from([0xff, 0xfe, 0xc3, 0x28]);
    const [prefix, field] = perRoute(b.route, {
      patch: ['{"model":"', 'model'],
      credentials: ['{"credentials":{"BRAVE_API_KEY":"', 'BRAVE_API_KEY'],
      create: ['{"name":"', 'name'],
    });
    add({
      route: b.route,
      category: 'invalid UTF-8',
      names: new RegExp(`${field}|utf|encoding|charset`, 'i'),
      echo: [],
      request: {
        method: b.method,
        path: b.path,
        auth: GUEST,
        body: Buffer.concat([
          Buffer.from(prefix),
          invalid,
          Buffer.from(b.route === ROUTES.credentials ? '"}}' : '"}'),
        ]),
        contentType: JSON_TYPE,
      },
    });
    for (const depth of [100, 1000, 10_000, 100_000]) {
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const deepObject = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      for (const [shape, nested] of [
        ['arrays', deep],
        ['objects', deepObject],
      ]) {
        const text = perRoute(b.route, {
          patch: `{"a2a":{"description":${nested}}}`,
          credentials: `{"credentials":{"BRAVE_API_KEY":${nested}}}`,
          create: `{"name":"acc-cmp-deep","spec":{"a2a":{"description":${nested}}}}`,
        });
        add({
          route: b.route,
          category: `nested ${shape} ${depth}`,
          names: /description|BRAVE_API_KEY|depth|nest|json|body/i,
          echo: [],
          request: {
            method: b.method,
            path: b.path,
            auth: GUEST,
            body: text,
            contentType: JSON_TYPE,
          },
        });
      }
    }
    add({
      route: b.route,
      category: 'body over the size limit',
      names: /too large|limit|size|body/i,
      echo: [],
      request: {
        method: b.method,
        path: b.path,
        auth: GUEST,
        body: JSON.stringify({
          ...(b.body as object),
          pad: 'x'.repeat(2_000_000),
        }),
        contentType: JSON_TYPE,
      },
    });
    const bigString = perRoute<object>(b.route, {
      credentials: { credentials: { BRAVE_API_KEY: 'k'.repeat(900_000) } },
      patch: { a2a: { description: 'd'.repeat(900_000) } },
      create: {
        ...baseCreate('acc-cmp-big'),
        spec: { a2a: { description: 'd'.repeat(900_000) } },
      },
    });
    add({
      route: b.route,
      category: 'huge string',
      names: /description|BRAVE_API_KEY/i,
      echo: [],
      request: {
        method: b.method,
        path: b.path,
        auth: GUEST,
        body: JSON.stringify(bigString),
        contentType: JSON_TYPE,
      },
    });
    const manyKeys = Object.fromEntries(
      Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]),
    );
    add({
      route: b.route,
      category: '20,000 unknown keys',
      names: /k\d+/i,
      echo: [],
      request: {
        method: b.method,
        path: b.path,
        auth: GUEST,
        body: JSON.stringify({ ...(b.body as object), ...manyKeys }),
        contentType: JSON_TYPE,
      },
    });
    const protoBody = (inner: string) =>
      perRoute(b.route, {
        patch: `{${inner}}`,
        credentials: `{"credentials":{"BRAVE_API_KEY":"${ctx.secret}"},${inner}}`,
        create: `{"name":"acc-cmp-proto","spec":{"owner":"group:default/team-a"},${inner}}`,
      });
    for (const inner of [
      '"__proto__":{"admin":true}',
      '"constructor":{"prototype":{"admin":true}}',
    ]) {
      add({
        route: b.route,
        category: 'prototype key',
        names: /__proto__|constructor/i,
        echo: [],
        request: {
          method: b.method,
          path: b.path,
          auth: GUEST,
          body: protoBody(inner),
          contentType: JSON_TYPE,
        },
      });
    }
  }
  const nestedProto =
    '{"name":"acc-cmp-proto2","spec":{"owner":"group:default/team-a","__proto__":{"suspended":"x"}}}';
  add({
    route: ROUTES.create,
    category: 'prototype key',
    names: /__proto__/i,
    echo: [],
    request: {
      method: 'POST',
      path: `${API}/sandboxes`,
      auth: GUEST,
      body: nestedProto,
      contentType: JSON_TYPE,
    },
  });
  add({
    route: ROUTES.validate,
    category: 'prototype key',
    names: /__proto__/i,
    echo: [],
    request: {
      method: 'POST',
      path: `${API}/sandboxes/validate`,
      auth: GUEST,
      body: nestedProto,
      contentType: JSON_TYPE,
    },
  });

  // 11. Generated: random bad values in one to three random fields, until the campaign is `total` long.
  const specFields = specFieldCatalog();
  const credFields = credentialCatalog(ctx.secret);
  for (let guard = 0; cases.length < total && guard < total * 20; guard++) {
    const kind = r.int(100);
    const count = 1 + (r.chance(0.3) ? r.int(3) : 0);
    const randomValue = (known: unknown[]) => {
      const m = nextMarker();
      const v = r.chance(0.5) ? r.pick(known) : randomBad(r);
      return typeof v === 'string' && r.chance(0.3) ? `${v}${m}` : v;
    };
    if (kind < 45) {
      const m: Mutation = { set: [], names: [] };
      for (let i = 0; i < count; i++) {
        const where = r.pick(['credentials', 'name', 'spec', 'spec', 'spec']);
        const [path, known]: [Path, unknown[]] =
          where === 'name'
            ? [[], NASTY]
            : r.pick(where === 'credentials' ? credFields : specFields);
        const full: Path = [where, ...path];
        m.set.push([full, randomValue(known)]);
        m.names.push(full);
      }
      const body = applyCreate(m, cases.length);
      if (isBadCreate(body))
        emitCreate(body, namesAny(m.names), 'generated body', [
          ctx.secret,
          ...stringsIn(m),
        ]);
    } else if (kind < 75) {
      const m: Mutation = { set: [], names: [] };
      for (let i = 0; i < count; i++) {
        const [path, known] = r.pick(specFields);
        m.set.push([path, randomValue(known)]);
        m.names.push(patchNames(path));
      }
      const body = applyPatch(m, cases.length);
      if (isBadPatch(body))
        emitPatch(body, namesAny(m.names), 'generated body', stringsIn(m));
    } else if (kind < 87) {
      const [path, known] = r.pick(credFields);
      const m = one(['credentials', ...path], randomValue(known));
      const body = applyPut(m);
      if (isBadPut(body))
        emitPut(body, namesAny(m.names), 'generated body', [
          ctx.secret,
          ...stringsIn(m),
        ]);
    } else if (kind < 94) {
      const param = r.pick([
        'limit',
        'sort',
        'order',
        'phase',
        'isolation',
        'trouble',
        'cursor',
      ]);
      const value = randomString(r);
      if (
        value === '' ||
        (listSandboxesQuerySchema.safeParse({ [param]: value }).success &&
          param !== 'cursor')
      )
        continue;
      add({
        route: ROUTES.list,
        category: 'generated query',
        names: new RegExp(param, 'i'),
        echo: [],
        request: {
          method: 'GET',
          path: `${API}/sandboxes?${param}=${encodeURIComponent(
            wellFormed(value),
          )}`,
          auth: GUEST,
        },
      });
    } else {
      const n = r.pick(named);
      const name =
        encodeURIComponent(wellFormed(randomString(r))).replace(/^\.+$/, 'x') ||
        'x';
      if (/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name) && name.length <= 52)
        continue;
      add({
        route: n.route,
        category: 'generated name in path',
        names: /sandbox|name/i,
        echo: n.body ? [ctx.secret] : [],
        request: {
          method: n.method,
          path: `${API}/sandboxes/${name}${n.suffix}`,
          auth: GUEST,
          ...(n.body
            ? { body: JSON.stringify(n.body), contentType: JSON_TYPE }
            : {}),
        },
      });
    }
  }
  return cases;
}

/** The merge the backend documents for PATCH: objects merge, arrays and scalars replace, null removes. */
export function mergePatch(
  spec: object,
  patch: Record<string, unknown>,
): unknown {
  const merge = (base: any, change: any): any => {
    if (change === null) return undefined;
    if (
      typeof change !== 'object' ||
      Array.isArray(change) ||
      typeof base !== 'object' ||
      base === null ||
      Array.isArray(base)
    ) {
      return change;
    }
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(change)) {
      const merged = merge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  };
  return merge(clone(spec), patch);
}

/** How one answer is judged. */
export interface Verdict {
  status: number;
  /** The request was refused: a 4xx, or for /validate a 200 `valid: false`. */
  refused: boolean;
  /** The refusal names what was bad. */
  named: boolean;
  /** Request values that came back. */
  echoed: string[];
}

/** Judges one answer of the campaign. */
export function judge(c: Case, reply: HttpReply): Verdict {
  const echoed = c.echo.filter(v => v && reply.text.includes(v));
  if (c.route === ROUTES.validate && reply.status === 200) {
    const issues: any[] = reply.json?.issues ?? [];
    return {
      status: reply.status,
      refused: reply.json?.valid === false,
      named: issues.some(i =>
        c.names.test(`${i.field} ${i.message} [${i.rule}]`),
      ),
      echoed,
    };
  }
  const message = reply.json?.error?.message;
  return {
    status: reply.status,
    refused: reply.status >= 400 && reply.status < 500,
    named: typeof message === 'string' && c.names.test(message),
    echoed,
  };
}
