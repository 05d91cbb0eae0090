import { backend, eventually } from './portal';

const DEMO_TENANTS = ['tenant-a', 'tenant-b', 'tenant-c'];

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
  await eventually(
    'the demo tenants in the catalog',
    async () => {
      for (const name of DEMO_TENANTS) {
        const { status } = await backend(
          'GET',
          `/api/catalog/entities/by-name/resource/default/${name}`,
        );
        if (status !== 200) return undefined;
      }
      return true;
    },
    5 * 60_000,
  );
}
