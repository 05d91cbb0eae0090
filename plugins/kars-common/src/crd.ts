import {
  INFERENCE_POLICY_KIND,
  INFERENCE_POLICY_PLURAL,
  INFERENCE_POLICY_SINGULAR,
  KARS_API_GROUP,
  KARS_API_VERSION,
  KARS_LABEL_VALUES,
  KARS_LABELS,
  KARS_SANDBOX_KIND,
  KARS_SANDBOX_PLURAL,
  KARS_SANDBOX_SINGULAR,
} from './constants';
import {
  inferencePolicySpecOpenApiSchema,
  JsonSchema,
  sandboxSpecOpenApiSchema,
  sandboxStatusOpenApiSchema,
} from './jsonSchema';
import { MAX_SANDBOX_NAME_LENGTH, RESERVED_SANDBOX_NAMES } from './names';
import { PATTERNS } from './spec';

/**
 * The CustomResourceDefinitions of the suite, built from the kars-common schemas. `deploy/` holds
 * their YAML; a test fails when it drifts from what these functions build.
 */

type Props = Record<string, JsonSchema>;
const props = (schema: JsonSchema): Props => schema.properties as Props;

const budgetRules = [
  {
    rule: 'self.monthlyTokens == 0 || self.dailyTokens <= self.monthlyTokens',
    message: 'monthlyTokens must be at least dailyTokens (or 0 for unlimited)',
    fieldPath: '.monthlyTokens',
  },
  {
    rule: 'self.monthlyTokens == 0 || self.perRequestTokens <= self.monthlyTokens',
    message:
      'monthlyTokens must be at least perRequestTokens (or 0 for unlimited)',
    fieldPath: '.monthlyTokens',
  },
  {
    rule: 'self.dailyTokens == 0 || self.perRequestTokens <= self.dailyTokens',
    message:
      'dailyTokens must be at least perRequestTokens (or 0 for unlimited)',
    fieldPath: '.dailyTokens',
  },
];

const asMapList = (schema: JsonSchema, keys: string[]): JsonSchema => ({
  ...schema,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': keys,
});

/**
 * The spec blocks the kars CLI writes kars's own fields into (beside the top-level ones such as
 * `agent`, `meshAuth` or `storage`): the API server keeps the fields there that this schema does not
 * name, so the portal reads and writes such a sandbox without losing them.
 */
const SHARED_SPEC_BLOCKS = [
  'runtime',
  'sandbox',
  'networkPolicy',
  'governance',
  'a2a',
  'resources',
];
const preserveUnknownFields = (schema: JsonSchema): JsonSchema => ({
  ...schema,
  'x-kubernetes-preserve-unknown-fields': true,
});

const labels = {
  [KARS_LABELS.appName]: KARS_LABEL_VALUES.appName,
  [KARS_LABELS.managedBy]: KARS_LABEL_VALUES.managedBy,
};

/** The KarsSandbox CRD (`karssandboxes.kars.azure.com`). @public */
export function buildKarsSandboxCrd() {
  const spec = sandboxSpecOpenApiSchema();
  const specProps = props(spec);
  const budget = specProps.tokenBudget;
  specProps.tokenBudget = {
    ...budget,
    'x-kubernetes-validations': budgetRules.map(({ fieldPath, ...r }) => ({
      ...r,
      fieldPath,
    })),
  };
  specProps.channels = asMapList(specProps.channels, ['type']);
  const networkPolicy = specProps.networkPolicy;
  props(networkPolicy).allowedEndpoints = asMapList(
    props(networkPolicy).allowedEndpoints,
    ['host', 'port'],
  );
  const a2a = specProps.a2a;
  props(a2a).skills = asMapList(props(a2a).skills, ['id']);
  specProps.inferenceRef = {
    type: 'object',
    description:
      'The InferencePolicy in the sandbox namespace that holds its budgets and content safety.',
    properties: { name: { type: 'string', minLength: 1, maxLength: 253 } },
    required: ['name'],
  };
  spec.required = [...((spec.required as string[]) ?? []), 'inferenceRef'];
  for (const block of SHARED_SPEC_BLOCKS) {
    specProps[block] = preserveUnknownFields(specProps[block]);
  }
  spec['x-kubernetes-preserve-unknown-fields'] = true;

  const status = sandboxStatusOpenApiSchema();
  props(status).conditions = asMapList(props(status).conditions, ['type']);

  const namePattern = String(PATTERNS.dns1035Label.source);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${KARS_SANDBOX_PLURAL}.${KARS_API_GROUP}`,
      labels,
    },
    spec: {
      group: KARS_API_GROUP,
      scope: 'Namespaced',
      names: {
        kind: KARS_SANDBOX_KIND,
        listKind: `${KARS_SANDBOX_KIND}List`,
        plural: KARS_SANDBOX_PLURAL,
        singular: KARS_SANDBOX_SINGULAR,
        categories: ['kars'],
      },
      versions: [
        {
          name: KARS_API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'Model', type: 'string', jsonPath: '.spec.model' },
            {
              name: 'Isolation',
              type: 'string',
              jsonPath: '.spec.sandbox.isolation',
            },
            {
              name: 'Age',
              type: 'date',
              jsonPath: '.metadata.creationTimestamp',
            },
            {
              name: 'Runtime',
              type: 'string',
              jsonPath: '.spec.runtime.kind',
              priority: 1,
            },
            {
              name: 'Owner',
              type: 'string',
              jsonPath: '.spec.owner',
              priority: 1,
            },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description:
                'A hardened, multi-tenant agent sandbox; its objects live in the namespace kars-<name>.',
              required: ['spec'],
              'x-kubernetes-validations': [
                {
                  rule: `self.metadata.name.size() <= ${MAX_SANDBOX_NAME_LENGTH} && self.metadata.name.matches('${namePattern}')`,
                  message: `metadata.name must be a DNS-1035 label of at most ${MAX_SANDBOX_NAME_LENGTH} characters`,
                },
                {
                  rule: `!(self.metadata.name in [${RESERVED_SANDBOX_NAMES.map(
                    n => `'${n}'`,
                  ).join(', ')}])`,
                  message: `metadata.name is reserved (${RESERVED_SANDBOX_NAMES.join(
                    ', ',
                  )})`,
                },
              ],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                status,
              },
            },
          },
        },
      ],
    },
  };
}

/** The InferencePolicy CRD (`inferencepolicies.kars.azure.com`). @public */
export function buildInferencePolicyCrd() {
  const spec = inferencePolicySpecOpenApiSchema();
  const budget = props(spec).tokenBudget;
  props(spec).tokenBudget = {
    ...budget,
    'x-kubernetes-validations': budgetRules,
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${INFERENCE_POLICY_PLURAL}.${KARS_API_GROUP}`,
      labels,
    },
    spec: {
      group: KARS_API_GROUP,
      scope: 'Namespaced',
      names: {
        kind: INFERENCE_POLICY_KIND,
        listKind: `${INFERENCE_POLICY_KIND}List`,
        plural: INFERENCE_POLICY_PLURAL,
        singular: INFERENCE_POLICY_SINGULAR,
        shortNames: ['ip'],
        categories: ['kars'],
      },
      versions: [
        {
          name: KARS_API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            {
              name: 'Sandbox',
              type: 'string',
              jsonPath: '.spec.appliesTo.sandboxName',
            },
            {
              name: 'DailyTokens',
              type: 'integer',
              jsonPath: '.spec.tokenBudget.dailyTokens',
            },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            {
              name: 'Age',
              type: 'date',
              jsonPath: '.metadata.creationTimestamp',
            },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description:
                'Model, token budgets and content-safety thresholds of one sandbox, enforced by its inference router.',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                status: {
                  type: 'object',
                  'x-kubernetes-preserve-unknown-fields': true,
                },
              },
            },
          },
        },
      ],
    },
  };
}
