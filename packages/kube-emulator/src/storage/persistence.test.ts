import {
  chmodSync,
  existsSync,
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

  it('reports a write after a burst that fails, without throwing, and writes again after the next change', async () => {
    // The state's folder is a file for now: every write of the state fails.
    const folder = join(dir, 'state');
    writeFileSync(folder, 'in the way');
    const file = join(folder, 'state.json');
    const store = new ObjectStore();
    const errors: string[] = [];
    const persisted = persistStore(store, file, {
      debounceMs: 10,
      onError: error => errors.push((error as Error).message),
    });
    const settle = () => new Promise(resolve => setTimeout(resolve, 50));
    store.put('secrets', secret);
    await settle();
    expect(errors).toEqual([expect.stringContaining('state')]);
    expect(existsSync(file)).toBe(false);
    expect(() => persisted.flush()).toThrow();

    rmSync(folder);
    store.put('secrets', {
      ...secret,
      metadata: { ...secret.metadata, name: 'tenant-b-credentials' },
    });
    await settle();
    expect(errors).toHaveLength(1);
    const again = new ObjectStore();
    expect(loadState(again, file)).toBe(true);
    expect(JSON.stringify(again.dump())).toContain('tenant-b-credentials');
    persisted.close();
  });

  it('warns through the process by default', async () => {
    const folder = join(dir, 'state');
    writeFileSync(folder, 'in the way');
    const store = new ObjectStore();
    const warnings: string[] = [];
    const emitWarning = jest
      .spyOn(process, 'emitWarning')
      .mockImplementation(warning => {
        warnings.push(String(warning));
      });
    try {
      persistStore(store, join(folder, 'state.json'), { debounceMs: 10 });
      store.put('secrets', secret);
      await new Promise(resolve => setTimeout(resolve, 50));
    } finally {
      emitWarning.mockRestore();
    }
    expect(warnings).toEqual([
      expect.stringMatching(
        /^kube-emulator could not write its state to .*state\.json: .*; it writes again after the next change$/,
      ),
    ]);
  });
});
