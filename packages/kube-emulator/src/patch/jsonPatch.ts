import { badRequest, ApiError } from '../api/errors';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

const parsePointer = (pointer: string): string[] => {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw new Error(`JSON pointer must start with '/': ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Container = any;

function resolveParent(doc: Container, tokens: string[], op: string) {
  let node = doc;
  for (const t of tokens.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(t)] : node?.[t];
    if (node === undefined || node === null) {
      throw new Error(
        `${op} operation does not apply: doc is missing path: "/${tokens.join(
          '/',
        )}": missing value`,
      );
    }
  }
  return node;
}

function get(doc: Container, tokens: string[]): unknown {
  let node = doc;
  for (const t of tokens) {
    node = Array.isArray(node) ? node[Number(t)] : node?.[t];
    if (node === undefined) return undefined;
  }
  return node;
}

function add(doc: Container, tokens: string[], value: unknown): Container {
  if (!tokens.length) return value;
  const parent = resolveParent(doc, tokens, 'add');
  const key = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const idx = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(idx) || idx < 0 || idx > parent.length) {
      throw new Error(
        `add operation does not apply: index out of bounds: ${key}`,
      );
    }
    parent.splice(idx, 0, value);
  } else {
    parent[key] = value;
  }
  return doc;
}

function remove(doc: Container, tokens: string[]): Container {
  const parent = resolveParent(doc, tokens, 'remove');
  const key = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const idx = Number(key);
    if (!Number.isInteger(idx) || idx < 0 || idx >= parent.length) {
      throw new Error(
        `remove operation does not apply: index out of bounds: ${key}`,
      );
    }
    parent.splice(idx, 1);
  } else {
    if (!(key in parent)) {
      throw new Error(
        `remove operation does not apply: doc is missing key: /${tokens.join(
          '/',
        )}: missing value`,
      );
    }
    delete parent[key];
  }
  return doc;
}

/** RFC 6902 JSON patch. Errors become 422 like the real server's "the server rejected our request". */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops))
    throw badRequest(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    );
  let doc = clone(target);
  try {
    for (const op of ops) {
      const path = parsePointer(op.path ?? '');
      switch (op.op) {
        case 'add':
          doc = add(doc, path, clone(op.value));
          break;
        case 'remove':
          doc = remove(doc, path);
          break;
        case 'replace':
          if (
            get(doc, path) === undefined &&
            Array.isArray(get(doc, path.slice(0, -1)))
          ) {
            throw new Error(
              `replace operation does not apply: doc is missing key: ${op.path}: missing value`,
            );
          }
          if (path.length && get(doc, path) !== undefined)
            doc = remove(doc, path);
          doc = path.length ? add(doc, path, clone(op.value)) : clone(op.value);
          break;
        case 'move': {
          const from = parsePointer(op.from ?? '');
          const value = get(doc, from);
          if (value === undefined)
            throw new Error(
              `move operation does not apply: doc is missing from path: ${op.from}`,
            );
          doc = add(remove(doc, from), path, value);
          break;
        }
        case 'copy': {
          const value = get(doc, parsePointer(op.from ?? ''));
          if (value === undefined)
            throw new Error(
              `copy operation does not apply: doc is missing from path: ${op.from}`,
            );
          doc = add(doc, path, clone(value));
          break;
        }
        case 'test':
          if (JSON.stringify(get(doc, path)) !== JSON.stringify(op.value)) {
            throw new Error(`testing value ${op.path} failed: test failed`);
          }
          break;
        default:
          throw new Error(`Unexpected kind: ${op.op}`);
      }
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    // kube-apiserver answers NewGenericServerResponse(422, …): the patch's error is not told.
    throw new ApiError(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request`,
      {},
    );
  }
  return doc;
}
