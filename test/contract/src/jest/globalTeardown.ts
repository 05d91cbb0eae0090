import { kubeTestenvGlobalTeardown } from '@kars-portal/kube-testenv';
import { summarize } from '../lib/report';

/** Stops the control plane started by globalSetup and prints the per-target summary. */
export default async function globalTeardown() {
  try {
    const lines = summarize();
    if (lines.length) {
      // eslint-disable-next-line no-console
      console.log(`\n${lines.join('\n')}\n`);
    }
  } finally {
    await kubeTestenvGlobalTeardown();
  }
}
