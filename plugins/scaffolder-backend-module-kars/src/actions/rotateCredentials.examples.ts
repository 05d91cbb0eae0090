import { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** Examples of `kars:credentials:rotate`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Rotate the credentials given as task secrets (for example SLACK_BOT_TOKEN) and restart the sandbox',
    example: `steps:
  - id: rotate
    name: Rotate credentials
    action: kars:credentials:rotate
    input:
      name: tenant-a
`,
  },
  {
    description:
      'Replace the whole credentials Secret with the task secrets, without restarting',
    example: `steps:
  - id: rotate
    name: Replace credentials
    action: kars:credentials:rotate
    input:
      name: tenant-a
      mode: replace
      restart: false
`,
  },
  {
    description:
      'Turn WhatsApp off (WHATSAPP_ENABLED "false"), with any keys given as task secrets',
    example: `steps:
  - id: rotate
    name: WhatsApp off
    action: kars:credentials:rotate
    input:
      name: tenant-a
      whatsappEnabled: false
`,
  },
];
