import {
  ingressBackend,
  ingressPathMatches,
  loadBalancerAddressFor,
} from './gateway';

const ingress = (namespace: string, host: string, paths: object[]) => ({
  metadata: { namespace, name: 'a2a-gateway' },
  spec: { rules: [{ host, http: { paths } }] },
});
const toService = (name: string) => ({
  service: { name, port: { number: 8443 } },
});

describe('the simulated ingress controller', () => {
  it.each([
    [
      { path: '/.well-known/agent.json', pathType: 'Exact' },
      '/.well-known/agent.json',
      true,
    ],
    [
      { path: '/.well-known/agent.json', pathType: 'Exact' },
      '/.well-known/agent.json/x',
      false,
    ],
    [{ path: '/a2a', pathType: 'Prefix' }, '/a2a', true],
    [{ path: '/a2a', pathType: 'Prefix' }, '/a2a/tasks', true],
    [{ path: '/a2a', pathType: 'Prefix' }, '/a2abc', false],
    [{ path: '/', pathType: 'Prefix' }, '/anything', true],
  ])('matches rule %j against %s: %s', (rule, path, matches) => {
    expect(ingressPathMatches(rule, path)).toBe(matches);
  });

  it("routes by host and path to the rule's Service in the Ingress's namespace", () => {
    const ingresses = [
      ingress('kars-a', 'a.agents.test', [
        {
          path: '/.well-known/agent.json',
          pathType: 'Exact',
          backend: toService('a'),
        },
      ]),
      ingress('kars-b', 'b.agents.test', [
        {
          path: '/.well-known/agent.json',
          pathType: 'Exact',
          backend: toService('b'),
        },
      ]),
    ];
    expect(
      ingressBackend(ingresses, 'b.agents.test', '/.well-known/agent.json'),
    ).toEqual({
      namespace: 'kars-b',
      service: 'b',
    });
    expect(
      ingressBackend(ingresses, 'c.agents.test', '/.well-known/agent.json'),
    ).toBeUndefined();
    expect(ingressBackend(ingresses, 'a.agents.test', '/a2a')).toBeUndefined();
  });

  it('gives each LoadBalancer its own documentation address', () => {
    expect(loadBalancerAddressFor(0)).toBe('198.51.100.10');
    expect(loadBalancerAddressFor(1)).toBe('198.51.100.11');
  });
});
