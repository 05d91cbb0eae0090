import { KARS_PORTS, KARS_UIDS } from '@kars-portal/plugin-kars-common';
import { cidrEndpoints, hostNamePorts } from './networkPolicy';
import { RenderInput } from './types';

/** The file the egress-guard reads the pod's DNS resolvers from. */
const RESOLV_CONF = '/etc/resolv.conf';

/** The egress-guard's iptables-restore lines before and after the DNS rules, which need the resolvers. */
function egressGuardRules(input: RenderInput) {
  const { agent, router } = KARS_UIDS;
  const owner = (uid: number) => `-m owner --uid-owner ${uid}`;
  const direct = cidrEndpoints(input);
  const redirected = [
    ...new Set([KARS_PORTS.http, KARS_PORTS.https, ...hostNamePorts(input)]),
  ].sort((a, b) => a - b);
  const nat = [
    '*nat',
    ...direct.map(
      e =>
        `-A OUTPUT -d ${e.cidr} -p tcp ${owner(agent)} --dport ${
          e.port
        } -j RETURN`,
    ),
    ...redirected.map(
      port =>
        `-A OUTPUT ! -o lo -p tcp ${owner(
          agent,
        )} --dport ${port} -j REDIRECT --to-ports ${KARS_PORTS.routerProxy}`,
    ),
    'COMMIT',
  ];
  const filterHead = [
    '*filter',
    '-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    '-A OUTPUT -o lo -j ACCEPT',
    // A redirected packet keeps its first route's out-interface in this chain: `-o lo` misses it.
    `-A OUTPUT -d 127.0.0.1/32 -p tcp --dport ${KARS_PORTS.routerProxy} -j ACCEPT`,
  ];
  const filterTail = [
    ...['udp', 'tcp'].map(
      protocol =>
        `-A OUTPUT -p ${protocol} --dport ${KARS_PORTS.dns} -j REJECT`,
    ),
    ...direct.map(
      e =>
        `-A OUTPUT -d ${e.cidr} -p tcp ${owner(agent)} --dport ${
          e.port
        } -j ACCEPT`,
    ),
    `-A OUTPUT ${owner(router)} -j ACCEPT`,
    '-A OUTPUT -j REJECT',
    'COMMIT',
  ];
  return { head: [...nat, ...filterHead], tail: filterTail };
}

/** Shell lines that print each rule (none holds a quote) on a line of its own. */
const printLines = (rules: string[]) => [
  "  printf '%s\\n' \\",
  ...rules.map((r, i) => `    '${r}'${i < rules.length - 1 ? ' \\' : ''}`),
];

/**
 * The egress-guard init container's script. It reads the IPv4 resolvers of the pod's
 * /etc/resolv.conf (none is an error: the pod does not start) and appends one ruleset with
 * `iptables-restore --noflush`, all or nothing:
 * - nat: the agent's (UID 1000) TCP to an IP/CIDR allowlist entry on its port goes out unchanged;
 *   its other TCP on 80, 443 and the ports of host-name entries goes to the router's proxy
 *   (127.0.0.1:8444), which lets through only allowlisted host names;
 * - filter: replies and loopback; DNS (UDP and TCP 53) to those resolvers, and for no UID anywhere
 *   else; the agent to each IP/CIDR entry on its port; the router (UID 1001) wherever the
 *   NetworkPolicy allows; everything else rejected.
 */
export function egressGuardScript(input: RenderInput) {
  const { head, tail } = egressGuardRules(input);
  const dns = ['udp', 'tcp'].map(
    protocol =>
      `    echo "-A OUTPUT -d $resolver/32 -p ${protocol} --dport ${KARS_PORTS.dns} -j ACCEPT"`,
  );
  return [
    'set -eu',
    'resolvers=',
    'while read -r key value rest || [ -n "$key" ]; do',
    '  [ "$key" = nameserver ] || continue',
    '  case "$value" in',
    "    ''|*[!0-9.]*) ;;",
    '    *) resolvers="$resolvers $value" ;;',
    '  esac',
    `done < ${RESOLV_CONF}`,
    'if [ -z "$resolvers" ]; then',
    `  echo 'egress-guard: no IPv4 nameserver in ${RESOLV_CONF}' >&2`,
    '  exit 1',
    'fi',
    '{',
    ...printLines(head),
    '  for resolver in $resolvers; do',
    ...dns,
    '  done',
    ...printLines(tail),
    '} | iptables-restore --noflush',
    `echo "egress-guard: rules in place; DNS only to$resolvers"`,
  ].join('\n');
}
