/**
 * Resource quantities in the canonical form the API server stores them in, so that what is
 * rendered is what the cluster holds ("1024Mi" is stored as "1Gi", "1.5" as "1500m", "2000m" as "2").
 */

/** A CPU quantity of the spec (`500m`, `1`, `1.5`): whole cores as an integer, else millicores. */
export function canonicalCpu(cpu: string): string {
  const millis = cpu.endsWith('m')
    ? Number(cpu.slice(0, -1))
    : Math.round(Number(cpu) * 1000);
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

const BINARY_UNITS = ['Mi', 'Gi', 'Ti'];

/** A memory quantity of the spec (`512Mi`, `4Gi`): the largest binary unit that keeps it whole. */
export function canonicalMemory(memory: string): string {
  let value = Number(memory.slice(0, -2));
  let unit = BINARY_UNITS.indexOf(memory.slice(-2));
  while (value % 1024 === 0 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value}${BINARY_UNITS[unit]}`;
}
