import { SEED_TENANTS } from '@kars-portal/plugin-kars-common';
import { backend, eventually, untilStatus } from './portal';

const DEMO_TENANTS = SEED_TENANTS.map(t => t.name);

/**
 * The app answers once webpack has built it; the backend creates the demo tenants on first start
 * and the catalog picks them up. Wait for all of it before the first test.
 */
export default async function globalSetup() {
  await eventually(
    'the three demo tenants to be Running',
    async () => {
      const { status, body } = await backend('GET', '/api/kars/sandboxes');
      if (status !== 200) return undefined;
      const running = body.items.filter(
        (s: any) => DEMO_TENANTS.includes(s.name) && s.phase === 'Running',
      );
      return running.length === DEMO_TENANTS.length ? true : undefined;
    },
    5 * 60_000,
  );
  for (const name of DEMO_TENANTS) {
    await untilStatus(
      `${name} in the catalog`,
      `/api/catalog/entities/by-name/resource/default/${name}`,
      200,
      5 * 60_000,
    );
  }
}
