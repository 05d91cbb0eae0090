import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ActionsRegistryActionOptions } from '@backstage/backend-plugin-api/alpha';
import {
  karsSandboxReadPermission,
  manifestsResponseSchema,
  sandboxSchema,
} from '@kars-portal/plugin-kars-common';
import { z } from 'zod';
import type { AnyZodObject } from 'zod/v3';
import { SandboxAccess } from '../sandboxAccess';
import { SandboxServices } from '../service/sandboxServices';
import { fromContract, InjectedZod } from './zodV3';

/** What the kars actions work with: the REST API's services and its permission checks. */
export interface KarsActionsOptions {
  sandboxes: SandboxServices;
  access: SandboxAccess;
}

/** A sandbox the caller may read (`GET /sandboxes/:name`); a NotAllowedError or NotFoundError when not. */
export async function readableSandbox(
  { sandboxes, access }: KarsActionsOptions,
  credentials: BackstageCredentials,
  name: string,
) {
  const actor = await access.actorOf(credentials);
  const sandbox = sandboxes.fleet.getSandbox(name);
  await access.authorize(
    credentials,
    actor,
    karsSandboxReadPermission,
    sandbox.name,
  );
  return sandbox;
}

/** An action of the kars plugin in the actions registry. */
export type KarsAction = ActionsRegistryActionOptions<
  AnyZodObject,
  AnyZodObject
>;

const converted = {
  input: new WeakMap<z.ZodObject, AnyZodObject>(),
  output: new WeakMap<z.ZodObject, AnyZodObject>(),
};

/**
 * The zod v3 object schema (the registry's) of a kars-common object schema, as a caller sends it
 * (`input`) or as the action answers it (`output`). Made once per schema: the registry asks for an
 * action's schemas on every listing and every call.
 */
export function objectSchema(
  zod: InjectedZod,
  schema: z.ZodObject,
  io: 'input' | 'output',
): AnyZodObject {
  let made = converted[io].get(schema);
  if (!made) {
    made = fromContract(zod, schema, io) as AnyZodObject;
    converted[io].set(schema, made);
  }
  return made;
}

/** The input of the actions on one sandbox: its name. */
export const sandboxNameInputSchema = z.strictObject({
  name: z.string().min(1).max(63).describe('The sandbox'),
});

/** The `dryRun` input of a write: `byDefault` when not given. */
export const dryRunInput = (byDefault: boolean) =>
  z
    .boolean()
    .default(byDefault)
    .describe(
      byDefault
        ? 'Check and say what the write would do, writing nothing (the default); false writes'
        : 'Check and say what the write would do, writing nothing',
    );

/**
 * What a write to a sandbox's spec answers: with `dryRun`, the objects it would render
 * (`manifests`, secret values redacted); otherwise the sandbox written and whether it changed.
 */
export const specWriteOutputSchema = z.strictObject({
  dryRun: z.boolean(),
  sandbox: sandboxSchema.optional(),
  changed: z.boolean().optional(),
  manifests: manifestsResponseSchema.optional(),
});
/** The answer of a write to a sandbox's spec. */
export type SpecWriteOutput = z.infer<typeof specWriteOutputSchema>;
