import { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** Examples of `kars:sandbox:update`. */
export const examples: TemplateExample[] = [
  {
    description: 'Raise the daily budget and switch the model',
    example: `steps:
  - id: update
    name: Change sandbox
    action: kars:sandbox:update
    input:
      name: tenant-a
      spec:
        model: gpt-4o
        tokenBudget:
          dailyTokens: 500000
`,
  },
  {
    description: 'Suspend a sandbox',
    example: `steps:
  - id: update
    name: Suspend sandbox
    action: kars:sandbox:update
    input:
      name: tenant-a
      spec:
        suspended: true
`,
  },
  {
    description:
      "Remove the workload identity of a sandbox (its ServiceAccount falls back to the cluster's default client id, if any)",
    example: `steps:
  - id: update
    name: Clear workload identity
    action: kars:sandbox:update
    input:
      name: tenant-a
      spec:
        workloadIdentity: null
`,
  },
  {
    description:
      'Move to confidential isolation, replace the channels and the egress allowlist, turn governance on',
    example: `steps:
  - id: update
    name: Change sandbox
    action: kars:sandbox:update
    input:
      name: tenant-b
      spec:
        sandbox:
          isolation: confidential
        channels:
          - type: telegram
          - type: discord
        networkPolicy:
          allowedEndpoints:
            - host: api.example.com
        governance:
          enabled: true
          trustThreshold: 700
`,
  },
  {
    description:
      "Remove every channel and the whole egress allowlist, and let the cluster's default decide the public A2A gateway again",
    example: `steps:
  - id: update
    name: Clear lists
    action: kars:sandbox:update
    input:
      name: tenant-b
      spec:
        channels: []
        networkPolicy:
          allowedEndpoints: []
        a2a:
          publicGateway: null
`,
  },
  {
    description:
      'Add a WhatsApp channel (WHATSAPP_ENABLED=true is set in the credentials if missing) and raise the limits',
    example: `steps:
  - id: update
    name: Add WhatsApp
    action: kars:sandbox:update
    input:
      name: tenant-a
      spec:
        channels:
          - type: slack
          - type: whatsapp
        resources:
          limits:
            cpu: '4'
            memory: 8Gi
`,
  },
];
