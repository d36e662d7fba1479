import type { LocalText } from '../nodes/types.ts';
import type { RuleCode } from './rules/registry.ts';
import type { Diagnostic, DiagnosticFix, Severity } from './types.ts';

/**
 * Collects diagnostics; one place decides their shape so every rule reads the same way. Codes are
 * typed: only a code of the rule registry (`rules/registry.ts`) can be raised.
 */
export class DiagnosticList {
  readonly items: Diagnostic[] = [];

  add(
    severity: Severity,
    code: RuleCode,
    nodeId: string | undefined,
    message: LocalText,
    extra: { field?: string; fix?: DiagnosticFix } = {},
  ): void {
    this.items.push({ severity, code, nodeId, message, ...extra });
  }
  error(
    code: RuleCode,
    nodeId: string | undefined,
    message: LocalText,
    extra?: { field?: string; fix?: DiagnosticFix },
  ) {
    this.add('error', code, nodeId, message, extra);
  }
  warn(
    code: RuleCode,
    nodeId: string | undefined,
    message: LocalText,
    extra?: { field?: string; fix?: DiagnosticFix },
  ) {
    this.add('warning', code, nodeId, message, extra);
  }
  info(
    code: RuleCode,
    nodeId: string | undefined,
    message: LocalText,
    extra?: { field?: string; fix?: DiagnosticFix },
  ) {
    this.add('info', code, nodeId, message, extra);
  }
  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}
