import { Entity } from '@backstage/catalog-model';
import * as legacy from './index';

describe('legacy exports (.)', () => {
  it('exports the plugin, its extensions, the API ref and the A2A widget', () => {
    expect(legacy.karsPlugin.getId()).toBe('kars');
    expect(legacy.karsApiRef.id).toBe('plugin.kars.api');
    expect(legacy.a2aApiWidget.type).toBe('a2a');
    for (const ext of [
      legacy.KarsFleetPage,
      legacy.EntityKarsSandboxContent,
      legacy.EntityKarsSandboxCard,
      legacy.KarsClusterBanner,
      legacy.KarsSandboxNameFieldExtension,
      legacy.KarsClusterFieldExtension,
      legacy.KarsEgressAllowlistFieldExtension,
      legacy.KarsFleetTabs,
      legacy.KarsAuditContent,
    ]) {
      expect(ext).toBeDefined();
    }
    expect(legacy.karsPlugin.getApis()).toHaveLength(1);
  });

  it('knows which entities are sandboxes', () => {
    const e = (kind: string, type: string, name?: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: {
        name: 'x',
        annotations: name ? { 'kars.azure.com/sandbox': name } : undefined,
      },
      spec: { type },
    });
    expect(legacy.isKarsSandboxEntity(e('Resource', 'kars-sandbox', 'a'))).toBe(
      true,
    );
    expect(legacy.isKarsSandboxEntity(e('Component', 'ai-agent', 'a'))).toBe(
      true,
    );
    expect(legacy.isKarsSandboxEntity(e('Component', 'service', 'a'))).toBe(
      false,
    );
    expect(legacy.isA2aApiEntity(e('API', 'a2a'))).toBe(true);
    expect(legacy.getSandboxName(e('Resource', 'kars-sandbox', 'a'))).toBe('a');
  });
});
