import { kubeTestenvGlobalSetup } from '@kars-portal/kube-testenv';
import { resetReport } from '../lib/report';
import { TARGETS_ENV } from '../lib/targets';

/** One real control plane for the whole run (reused if one is already named), and a clean report. */
export default async function globalSetup() {
  resetReport();
  const targets = process.env[TARGETS_ENV];
  if (
    targets &&
    !targets
      .split(',')
      .map(s => s.trim())
      .includes('real')
  ) {
    return;
  }
  await kubeTestenvGlobalSetup();
}
