import { normaliseOutput, sortLines } from './kubectlNormalise';

describe('normaliseOutput', () => {
  it('replaces tokens, uids (numbered by first appearance) and resourceVersions', () => {
    expect(
      normaliseOutput(
        [
          'eyJhbGciOiJFUzI1NiJ9.eyJhdWQiOlsiYSJdfQ.c2lnbmF0dXJl',
          'uid: 2e94f474-4093-4b01-9681-4dec45b23c7f',
          'owner: 9a4c9f3f-af10-4a94-a22c-717e2b1a04e5',
          'again: 2e94f474-4093-4b01-9681-4dec45b23c7f',
          '  resourceVersion: "257"',
          '"resourceVersion": "12",',
          '  Resource Version:    294',
        ].join('\n'),
      ),
    ).toBe(
      [
        '<jwt>',
        'uid: <uid-1>',
        'owner: <uid-2>',
        'again: <uid-1>',
        '  resourceVersion: "<rv>"',
        '"resourceVersion": "<rv>",',
        '  Resource Version:  <rv>',
      ].join('\n'),
    );
  });

  it('replaces times but keeps their precision and form', () => {
    expect(
      normaliseOutput(
        [
          'creationTimestamp: "2026-12-05T08:14:22Z"',
          'renewTime: "2026-12-05T08:14:22.123456Z"',
          'Start Time:   Sat, 05 Dec 2026 08:25:39 +0000',
          '--- /tmp/LIVE-2923897834/v1.ConfigMap.demo.settings\t2026-12-05 08:15:10.104188565 +0000',
        ].join('\n'),
      ),
    ).toBe(
      [
        'creationTimestamp: "<time>"',
        'renewTime: "<time.123456>"',
        'Start Time:  <time>',
        '--- /tmp/LIVE-<n>/v1.ConfigMap.demo.settings\t<time>',
      ].join('\n'),
    );
  });

  it('replaces the server URL, pod name suffixes, container IDs and IPv4 addresses', () => {
    expect(
      normaliseOutput(
        [
          'Kubernetes control plane is running at https://127.0.0.1:35525',
          'Created pod: agent2-74f7c8dffc-8hm6m',
          'replicaset.apps/agent2-74f7c8dffc',
          'assigned demo/agent2-74f7c8dffc-8hm6m to sandbox-0',
          'Container ID: containerd://cd593e9f864ee6141175c4b4306a84729c6c1153b60e5fc98ea7e7f62121966e',
          'IP: 10.0.0.33 node 10.224.0.4 again 10.0.0.33',
        ].join('\n'),
      ),
    ).toBe(
      [
        'Kubernetes control plane is running at https://<server>',
        'Created pod: agent2-74f7c8dffc-<pod-1>',
        'replicaset.apps/agent2-74f7c8dffc',
        'assigned demo/agent2-74f7c8dffc-<pod-1> to sandbox-0',
        'Container ID: <container-1>',
        'IP: <ip-1> node <ip-2> again <ip-1>',
      ].join('\n'),
    );
  });

  it('replaces ages and the column padding that follows their width, not millicores or indentation', () => {
    expect(
      normaliseOutput(
        [
          'NAME        STATUS   AGE',
          'default     Active   10m',
          'demo        Active   9s',
          'LAST SEEN   TYPE',
          '2m3s        Normal   (x2 over 3s)',
          '  cpu                250m (6%)',
          'Allocatable:  cpu: 3860m',
          '    True ',
        ].join('\n'),
      ),
    ).toBe(
      [
        'NAME  STATUS  AGE',
        'default  Active  <age>',
        'demo  Active  <age>',
        'LAST SEEN  TYPE',
        '<age>  Normal  (x2 over <age>)',
        '  cpu  250m (6%)',
        'Allocatable:  cpu: 3860m',
        '    True ',
      ].join('\n'),
    );
  });

  it('leaves everything else as it is', () => {
    const yaml =
      'apiVersion: v1\ndata:\n  level: "3"\nkind: ConfigMap\nmetadata:\n  name: settings\n';
    expect(normaliseOutput(yaml)).toBe(yaml);
  });
});

describe('sortLines', () => {
  it('sorts the lines after the first and keeps a final newline', () => {
    expect(sortLines('HEAD\nb\na\n')).toBe('HEAD\na\nb\n');
    expect(sortLines('HEAD\nb\na')).toBe('HEAD\na\nb');
    expect(sortLines('')).toBe('');
  });
});
