/**
 * Preloaded into the backend by `run.ts --untransformed`: the informer transforms of
 * plugins/kars-backend/src/kube/transforms.ts become the identity, so the caches keep whole objects
 * as they did before issue 19. Bench only; the backend itself has no such switch.
 */
const Module = require('module');

const load = Module._load;
const identity = object => object;
/** What the backend's log says once the transforms are replaced (run.ts looks for it). */
const UNTRANSFORMED =
  'fleet-memory: informer transforms replaced by the identity';
let announced = false;

Module._load = function loadUntransformed(request, ...rest) {
  const exports = load.call(this, request, ...rest);
  if (!/[/\\]kube[/\\]transforms(\.ts)?$/.test(request)) return exports;
  if (!announced) {
    announced = true;
    process.stderr.write(`${UNTRANSFORMED}\n`);
  }
  return {
    ...exports,
    ownedObjectTransform: () => identity,
    sandboxTransform: identity,
    podTransform: identity,
  };
};
