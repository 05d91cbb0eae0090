import {
  chmodSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { ObjectStore } from './store';

/** Reads a state file written by `persistStore`, if it exists. */
export function loadState(store: ObjectStore, file: string): boolean {
  if (!existsSync(file)) return false;
  const state = JSON.parse(readFileSync(file, 'utf8'));
  if (
    typeof state?.resourceVersion !== 'number' ||
    typeof state.resources !== 'object'
  ) {
    throw new Error(`${file} is not a kube-emulator state file`);
  }
  store.load(state);
  return true;
}

/** The state holds Secrets: only its owner may read it (0600), even where an older file was 0644. */
function writeState(store: ObjectStore, file: string) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(store.dump()), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/**
 * Writes the store to `file` shortly after each burst of writes; `flush` writes now. A write after
 * a burst that fails (a full disk, a folder gone) is reported to `onError`, by default as a
 * process warning, and the next burst writes again: the store in memory is whole, and an
 * exception thrown from the timer would end the process or thread the emulator runs in. `flush`
 * and `close` throw what fails.
 */
export function persistStore(
  store: ObjectStore,
  file: string,
  options: { debounceMs?: number; onError?: (error: unknown) => void } = {},
) {
  const onError =
    options.onError ??
    ((error: unknown) =>
      process.emitWarning(
        `kube-emulator could not write its state to ${file}: ${
          error instanceof Error ? error.message : String(error)
        }; it writes again after the next change`,
      ));
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    writeState(store, file);
  };
  const flushAfterBurst = () => {
    try {
      flush();
    } catch (error) {
      onError(error);
    }
  };
  const unsubscribe = store.subscribe(() => {
    if (!timer) timer = setTimeout(flushAfterBurst, options.debounceMs ?? 250);
  });
  return {
    flush,
    close: () => {
      unsubscribe();
      flush();
    },
  };
}
