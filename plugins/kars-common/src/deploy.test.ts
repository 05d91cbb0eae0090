import fs from 'fs';
import path from 'path';
import YAML from 'yaml';
import {
  CONTENT_SAFETY_FLOOR_PARAM,
  CONTENT_SAFETY_FLOOR_POLICY,
  KARS_LABEL_VALUES,
  KARS_LABELS,
  KARS_SYSTEM_NAMESPACE,
  KATA_RUNTIME_CLASS,
  NODE_POOLS,
  SANDBOX_TOLERATION,
  SECCOMP_INSTALLER_DAEMONSET,
  SECCOMP_STRICT_LOCALHOST_PROFILE,
  SECCOMP_STRICT_PROFILE_NAME,
} from './constants';
import { SEVERITIES } from './spec';

/**
 * The hand-written manifests in deploy/ must use the names kars-common gives the backend; what the
 * API server does with them (CEL, admission) is tested against a real kube-apiserver.
 */
const deployDir = path.resolve(__dirname, '../../../deploy');
const docs = fs
  .readdirSync(deployDir)
  .filter(f => f.endsWith('.yaml'))
  .flatMap(f =>
    YAML.parseAllDocuments(
      fs.readFileSync(path.join(deployDir, f), 'utf8'),
    ).map(d => d.toJS()),
  );
const find = (kind: string, name: string) => {
  const doc = docs.find(d => d.kind === kind && d.metadata.name === name);
  if (!doc) throw new Error(`deploy/ has no ${kind} ${name}`);
  return doc;
};

describe('deploy/', () => {
  it('labels the operator namespace as sandbox NetworkPolicies expect', () => {
    expect(
      find('Namespace', KARS_SYSTEM_NAMESPACE).metadata.labels,
    ).toMatchObject({
      [KARS_LABELS.appName]: KARS_LABEL_VALUES.appName,
      [KARS_LABELS.appComponent]: KARS_LABEL_VALUES.componentSystem,
    });
  });

  it('keeps the content-safety floor in the parameter object the backend reads', () => {
    const param = find('ConfigMap', CONTENT_SAFETY_FLOOR_PARAM.name);
    expect(param.metadata.namespace).toBe(CONTENT_SAFETY_FLOOR_PARAM.namespace);
    expect(param.data[CONTENT_SAFETY_FLOOR_PARAM.key]).toBe('Medium');

    const binding = find(
      'ValidatingAdmissionPolicyBinding',
      `${CONTENT_SAFETY_FLOOR_POLICY}-binding`,
    );
    expect(binding.spec.policyName).toBe(CONTENT_SAFETY_FLOOR_POLICY);
    expect(binding.spec.paramRef).toMatchObject({
      name: CONTENT_SAFETY_FLOOR_PARAM.name,
      namespace: CONTENT_SAFETY_FLOOR_PARAM.namespace,
    });
    expect(binding.spec.validationActions).toEqual(['Deny']);
  });

  it('ranks severities in the admission policy as kars-common does', () => {
    const policy = find(
      'ValidatingAdmissionPolicy',
      CONTENT_SAFETY_FLOOR_POLICY,
    );
    const rank = policy.spec.variables.find(
      (v: { name: string }) => v.name === 'rank',
    ).expression;
    expect(rank).toBe(
      `{${SEVERITIES.map((s, i) => `'${s}': ${i}`).join(', ')}}`,
    );
    expect(JSON.stringify(policy)).toContain(KARS_LABELS.devOnly);
    expect(JSON.stringify(policy)).toContain(KARS_LABELS.production);
  });

  it('installs the kars-strict seccomp profile where pods reference it', () => {
    const profiles = find('ConfigMap', 'kars-seccomp-profiles');
    const profile = JSON.parse(
      profiles.data[`${SECCOMP_STRICT_PROFILE_NAME}.json`],
    );
    const denied = profile.syscalls.flatMap(
      (s: { names: string[] }) => s.names,
    );
    for (const syscall of [
      'mount',
      'ptrace',
      'bpf',
      'unshare',
      'setns',
      'kexec_load',
      'init_module',
    ]) {
      expect(denied).toContain(syscall);
    }
    const installer = find('DaemonSet', SECCOMP_INSTALLER_DAEMONSET);
    expect(installer.spec.template.spec.nodeSelector).toEqual({
      [KARS_LABELS.pool]: NODE_POOLS.sandbox,
    });
    expect(installer.spec.template.spec.tolerations).toEqual([
      SANDBOX_TOLERATION,
    ]);
    const hostPath = installer.spec.template.spec.volumes.find(
      (v: { hostPath?: unknown }) => v.hostPath,
    ).hostPath.path;
    expect(`${hostPath}/${SECCOMP_STRICT_LOCALHOST_PROFILE}`).toBe(
      '/var/lib/kubelet/seccomp/profiles/kars-strict.json',
    );
  });

  it('lets the backend read pods/log and no other pod subresource, with no wildcard anywhere', () => {
    const rules: Array<{
      apiGroups: string[];
      resources: string[];
      verbs: string[];
    }> = find('ClusterRole', 'kars-portal').rules;
    expect(
      rules.filter(r => r.resources.some(x => x.startsWith('pods/'))),
    ).toEqual([{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }]);
    for (const rule of rules) {
      for (const field of [rule.apiGroups, rule.resources, rule.verbs]) {
        expect(field).not.toContain('*');
      }
    }
  });

  it('lets the backend read pods (the reconciler watches them) and get nodes, and write neither', () => {
    const rules: Array<{ resources: string[]; verbs: string[] }> = find(
      'ClusterRole',
      'kars-portal',
    ).rules;
    const verbsOf = (resource: string) =>
      rules.filter(r => r.resources.includes(resource)).flatMap(r => r.verbs);
    expect(verbsOf('pods')).toEqual(['get', 'list', 'watch']);
    expect(verbsOf('nodes')).toEqual(['get']);
  });

  it('schedules the Kata runtime class on the Kata pool', () => {
    const runtimeClass = find('RuntimeClass', KATA_RUNTIME_CLASS);
    expect(runtimeClass.scheduling.nodeSelector).toEqual({
      [KARS_LABELS.pool]: NODE_POOLS.kata,
    });
    expect(runtimeClass.scheduling.tolerations).toEqual([SANDBOX_TOLERATION]);
  });
});
