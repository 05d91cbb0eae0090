import { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** Examples of `kars:sandbox:create`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Create a sandbox with the defaults (enhanced isolation, gpt-4.1)',
    example: `steps:
  - id: create
    name: Create sandbox
    action: kars:sandbox:create
    input:
      name: tenant-a
      spec:
        owner: group:default/team-a
`,
  },
  {
    description:
      'Create a confidential sandbox with budgets, a Slack channel (its token from the task secrets), an egress allowlist and governance, and wait until it is Running',
    example: `steps:
  - id: create
    name: Create sandbox
    action: kars:sandbox:create
    input:
      name: tenant-b
      spec:
        owner: group:default/team-b
        sandbox:
          isolation: confidential
        model: Phi-4
        tokenBudget:
          perRequestTokens: 4000
          dailyTokens: 200000
          monthlyTokens: 5000000
        contentSafety:
          hate: Low
          selfHarm: Safe
          sexual: Low
          violence: Medium
        channels:
          - type: slack
        networkPolicy:
          allowedEndpoints:
            - host: api.github.com
              port: 443
            - host: 203.0.113.0/24
              port: 8443
        governance:
          enabled: true
        a2a:
          description: Answers questions about team B's services
          skills:
            - id: service-faq
              name: Service FAQ
              description: Answers questions about team B's services from their docs
              tags: [faq]
      waitForRunning: true
      timeoutSeconds: 300
`,
  },
  {
    description:
      'Create a suspended Hermes sandbox on a named cluster with smaller limits',
    example: `steps:
  - id: create
    name: Create sandbox
    action: kars:sandbox:create
    input:
      name: tenant-c
      cluster: primary
      spec:
        runtime:
          kind: Hermes
        sandbox:
          isolation: standard
        resources:
          limits:
            cpu: 500m
            memory: 1Gi
        suspended: true
`,
  },
  {
    description:
      'Create a LangGraph sandbox on a named cluster with a WhatsApp channel (WHATSAPP_ENABLED=true goes into its credentials), plugin keys from the task secrets (BRAVE_API_KEY, OPENAI_API_KEY), a workload identity and the public A2A gateway on',
    example: `steps:
  - id: create
    name: Create sandbox
    action: kars:sandbox:create
    input:
      name: tenant-d
      cluster: primary
      spec:
        owner: group:default/team-d
        runtime:
          kind: LangGraph
        channels:
          - type: whatsapp
        a2a:
          publicGateway: true
        resources:
          limits:
            cpu: '1.5'
            memory: 2Gi
        workloadIdentity:
          clientId: 0b6c3a4e-1f2d-4c5b-9a8e-7d6c5b4a3f2e
`,
  },
];
