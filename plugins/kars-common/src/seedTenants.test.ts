import { ISOLATION_LEVELS, sandboxNameSchema, sandboxSpecSchema } from './spec';
import { SEED_TENANTS, seedTenant } from './seedTenants';
import { validateWith } from './validation';

describe('the seed tenants', () => {
  it('are valid sandboxes, one per isolation level, each of its own team', () => {
    for (const { name, spec } of SEED_TENANTS) {
      expect(validateWith(sandboxNameSchema, name).issues).toEqual([]);
      expect(validateWith(sandboxSpecSchema, spec).issues).toEqual([]);
    }
    expect(SEED_TENANTS.map(t => t.spec.sandbox?.isolation).sort()).toEqual(
      [...ISOLATION_LEVELS].sort(),
    );
    expect(new Set(SEED_TENANTS.map(t => t.spec.owner)).size).toBe(3);
  });

  it('are found by name, and an unknown name is an error that lists them', () => {
    expect(seedTenant('tenant-b').spec.model).toBe('Phi-4');
    expect(() => seedTenant('tenant-z')).toThrow(
      'tenant-z is not a seed tenant (tenant-a, tenant-b, tenant-c)',
    );
  });
});
