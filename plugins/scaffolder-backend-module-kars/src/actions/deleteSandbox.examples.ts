import { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** Examples of `kars:sandbox:delete`. */
export const examples: TemplateExample[] = [
  {
    description: 'Delete a sandbox (its namespace and everything in it go)',
    example: `steps:
  - id: delete
    name: Delete sandbox
    action: kars:sandbox:delete
    input:
      name: tenant-a
`,
  },
  {
    description: 'Delete a sandbox and wait until it is gone',
    example: `steps:
  - id: delete
    name: Delete sandbox
    action: kars:sandbox:delete
    input:
      name: tenant-a
      waitUntilGone: true
      timeoutSeconds: 120
`,
  },
];
