/* eslint-disable no-console */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { DESCRIPTOR_FILE, GNOSTIC_MODULE, K8S_MODULES } from './descriptor';

/**
 * Generates src/protobuf/kubernetes.json: Kubernetes' own `generated.proto` files (every GA group
 * version of k8s.io/api, the apimachinery types they use, apiextensions.k8s.io/v1) parsed by
 * protobufjs, each field annotated with what its Go struct field says about JSON: its JSON name,
 * `omitempty`, whether it is a pointer and whether it is inlined; and gnostic's OpenAPIv2.proto,
 * the protobuf of `/openapi/v2`. Run with
 * `yarn workspace @kars-portal/kube-emulator generate-protobuf`; it reads the Go module cache
 * (`go mod download`).
 */

/** Where a module's files are, downloading it into the Go module cache when missing. */
function moduleDir(module: string): string {
  const out = execFileSync('go', ['mod', 'download', '-json', module], {
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  return JSON.parse(out).Dir;
}

/** The proto files: GA versions of k8s.io/api plus apiextensions.k8s.io/v1. */
function protoFiles(dirs: Record<string, string>): string[] {
  const api = dirs['k8s.io/api'];
  const files: string[] = [];
  for (const group of readdirSync(api).sort()) {
    const groupDir = join(api, group);
    if (!existsSync(groupDir) || group.startsWith('.')) continue;
    let versions: string[];
    try {
      versions = readdirSync(groupDir);
    } catch {
      continue;
    }
    for (const version of versions.filter(v => /^v\d+$/.test(v)).sort()) {
      const file = join(groupDir, version, 'generated.proto');
      if (existsSync(file)) files.push(file);
    }
  }
  files.push(
    join(
      dirs['k8s.io/apiextensions-apiserver'],
      'pkg/apis/apiextensions/v1/generated.proto',
    ),
  );
  return files;
}

/** What a Go struct field says about one protobuf field. */
interface GoField {
  json: string;
  omitempty: boolean;
  pointer: boolean;
  inline: boolean;
}

/** One Go package's structs (by protobuf field number) and named slice types. */
interface GoPackage {
  structs: Map<string, Map<number, GoField>>;
  slices: Set<string>;
  group?: string;
}

const FIELD =
  /^\t([\w.*[\]]+)(?:[ \t]+([^\s`]+))?[ \t]+`([^`]*\bprotobuf:"[^"]*"[^`]*)`/gm;

/** Reads the Go sources of a package (gofmt'ed API types) for what protobuf does not say. */
function goPackage(dir: string): GoPackage {
  const pkg: GoPackage = { structs: new Map(), slices: new Set() };
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.go') || file.endsWith('_test.go')) continue;
    const src = readFileSync(join(dir, file), 'utf8');
    const group =
      /^const GroupName = "([^"]*)"/m.exec(src) ??
      /^\/\/ \+groupName=(\S*)/m.exec(src);
    if (group && pkg.group === undefined) pkg.group = group[1];
    for (const m of src.matchAll(/^type (\w+) \[\](\w+)$/gm))
      pkg.slices.add(m[1]);
    for (const m of src.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
      const fields = new Map<number, GoField>();
      for (const f of m[2].matchAll(FIELD)) {
        const type = f[2] === undefined ? f[1] : f[2];
        const tags = f[3];
        const number = /protobuf:"\w+,(\d+),/.exec(tags)?.[1];
        if (!number) continue;
        const json = /json:"([^"]*)"/.exec(tags)?.[1].split(',') ?? [];
        fields.set(Number(number), {
          json: json[0] ?? '',
          omitempty: json.includes('omitempty'),
          pointer: type.startsWith('*'),
          inline: json.includes('inline'),
        });
      }
      pkg.structs.set(m[1], fields);
    }
  }
  return pkg;
}

/** The descriptor with the Go annotations, and the API group version of each proto package. */
export function generateDescriptor(): object {
  const dirs = Object.fromEntries(
    Object.entries(K8S_MODULES).map(([module, version]) => [
      module,
      moduleDir(`${module}@${version}`),
    ]),
  );
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    for (const [module, dir] of Object.entries(dirs))
      if (target.startsWith(`${module}/`))
        return join(dir, target.slice(module.length + 1));
    return target;
  };
  const files = protoFiles(dirs);
  root.loadSync(files, { keepCase: true });
  root.resolveAll();
  const json = root.toJSON() as { nested: Record<string, any> };
  const groupVersions: Record<string, string> = {};

  const visit = (ns: Record<string, any>, path: string[]) => {
    for (const [name, node] of Object.entries<any>(ns.nested ?? {})) {
      if (!node.fields) {
        visit(node, [...path, name]);
        continue;
      }
      const pkgName = path.join('.');
      const goDir = goDirOf(dirs, pkgName);
      const pkg = goDir ? goPackages(goDir) : undefined;
      const struct = pkg?.structs.get(name);
      if (pkg?.slices.has(name)) node.options = { k8s_slice: true };
      for (const [fieldName, field] of Object.entries<any>(node.fields)) {
        const go = struct?.get(field.id);
        if (!go) continue;
        const options: Record<string, unknown> = {};
        if (go.json && go.json !== fieldName) options.json_name = go.json;
        if (go.omitempty) options.k8s_omitempty = true;
        if (go.pointer) options.k8s_pointer = true;
        if (go.inline) options.k8s_inline = true;
        if (Object.keys(options).length) field.options = options;
      }
    }
  };
  visit(json, []);
  const [[gnostic, gnosticVersion]] = Object.entries(GNOSTIC_MODULE);
  const openapiV2 = new protobuf.Root();
  openapiV2.loadSync(
    join(
      moduleDir(`${gnostic}@${gnosticVersion}`),
      'openapiv2/OpenAPIv2.proto',
    ),
    { keepCase: true },
  );
  openapiV2.resolveAll();
  for (const file of files) {
    const pkgName = /^package ([\w.]+);/m.exec(readFileSync(file, 'utf8'))![1];
    const version = pkgName.split('.').pop()!;
    const group = goPackages(join(file, '..')).group ?? '';
    groupVersions[group ? `${group}/${version}` : version] = pkgName;
  }
  return { groupVersions, descriptor: json, openapiV2: openapiV2.toJSON() };
}

const packageCache = new Map<string, GoPackage>();
function goPackages(dir: string): GoPackage {
  let pkg = packageCache.get(dir);
  if (!pkg) {
    pkg = goPackage(dir);
    packageCache.set(dir, pkg);
  }
  return pkg;
}

/** The Go package directory of a proto package (k8s.io.api.apps.v1 → <k8s.io/api>/apps/v1). */
function goDirOf(
  dirs: Record<string, string>,
  pkgName: string,
): string | undefined {
  for (const [module, dir] of Object.entries(dirs)) {
    const prefix = `${module.replace(/[/-]/g, m => (m === '/' ? '.' : '_'))}.`;
    if (pkgName.startsWith(prefix))
      return join(dir, ...pkgName.slice(prefix.length).split('.'));
  }
  return undefined;
}

/** The descriptor as committed: two-space JSON, one trailing newline. */
export const formatDescriptor = (d: object) =>
  `${JSON.stringify(d, null, 1)}\n`;

if (require.main === module) {
  const text = formatDescriptor(generateDescriptor());
  writeFileSync(DESCRIPTOR_FILE, text);
  console.log(`${DESCRIPTOR_FILE}: ${text.length} bytes`);
}
