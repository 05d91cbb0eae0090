import {
  chmodSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadState, persistStore } from './persistence';
import { ObjectStore } from './store';

describe('persistStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kube-emulator-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'tenant-a-credentials', namespace: 'kars-tenant-a' },
    data: { SLACK_BOT_TOKEN: 'eG94Yi0x' },
  };

  it('writes the state (which holds Secrets) readable by its owner only, and reads it back', () => {
    const file = join(dir, 'state.json');
    const store = new ObjectStore();
    const persisted = persistStore(store, file);
    store.put('secrets', secret);
    persisted.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = new ObjectStore();
    expect(loadState(again, file)).toBe(true);
    expect(JSON.stringify(again.dump())).toContain('tenant-a-credentials');
  });

  it('tightens a state file an older version left readable by others', () => {
    const file = join(dir, 'state.json');
    writeFileSync(file, '{}');
    chmodSync(file, 0o644);
    const store = new ObjectStore();
    const persisted = persistStore(store, file);
    store.put('secrets', secret);
    persisted.flush();
    persisted.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
