import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/** The cert-manager release whose own CRDs the tests serve (the gateway needs cert-manager ≥ 1.14). */
export const CERT_MANAGER_VERSION = 'v1.21.2';

/** The CRDs of cert-manager.io that the public A2A gateway's objects name. */
const CRD_FILES = [
  'cert-manager.io_certificates.yaml',
  'cert-manager.io_issuers.yaml',
  'cert-manager.io_clusterissuers.yaml',
];

/** cert-manager's own CRDs (Certificate, Issuer, ClusterIssuer), parsed from {@link certManagerCrdFiles}. */
export function certManagerCrds(): object[] {
  return certManagerCrdFiles().map(f => YAML.parse(fs.readFileSync(f, 'utf8')));
}

/**
 * The files of cert-manager's own CRDs (Certificate, Issuer, ClusterIssuer) at
 * {@link CERT_MANAGER_VERSION}, from its Go module (`deploy/crds/`), which `go mod download` takes
 * from the Go module proxy into Go's module cache, checked against the checksum database.
 */
export function certManagerCrdFiles(): string[] {
  const printed = execFileSync(
    'go',
    [
      'mod',
      'download',
      '-json',
      `github.com/cert-manager/cert-manager@${CERT_MANAGER_VERSION}`,
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
      env: {
        ...process.env,
        PATH: `/usr/local/go/bin:${process.env.PATH ?? ''}`,
        GOFLAGS: '-mod=mod',
      },
    },
  );
  const { Dir: dir, Error: error } = JSON.parse(printed) as {
    Dir?: string;
    Error?: string;
  };
  if (!dir) throw new Error(`go mod download of cert-manager failed: ${error}`);
  return CRD_FILES.map(f => path.join(dir, 'deploy', 'crds', f));
}
