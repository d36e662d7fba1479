import type { Rule } from 'eslint';

export const LAYER_RANK: Record<string, number>;
export const layerImports: Rule.RuleModule;
declare const plugin: { rules: { imports: Rule.RuleModule } };
export default plugin;
