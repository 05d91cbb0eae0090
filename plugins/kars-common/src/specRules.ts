import { z } from 'zod';

/** Helpers of the spec's rules, inside kars-common only. */

/** Adds an issue that names its rule (`params.rule`), as every rule of the spec does. */
export const custom = (
  ctx: z.core.$RefinementCtx,
  path: PropertyKey[],
  rule: string,
  message: string,
) => ctx.addIssue({ code: 'custom', path, message, params: { rule } });

/** A CPU quantity (500m, 1, 1.5) in millicores. */
export function parseCpuMillis(cpu: string): number {
  return cpu.endsWith('m')
    ? Number(cpu.slice(0, -1))
    : Math.round(Number(cpu) * 1000);
}

/** A memory quantity (512Mi, 4Gi) in mebibytes. */
export function parseMemoryMi(memory: string): number {
  const n = Number(memory.slice(0, -2));
  return memory.endsWith('Gi') ? n * 1024 : n;
}
