// Shared rendering of migration lists for the migrate* commands.
import type { AppliedMigration, MigrationStatusRow } from '../../protocol/index';
import { dim, green, red, yellow, cyan, formatDuration } from '../output/style';

export const stateLabel: Record<MigrationStatusRow['state'], string> = {
  applied: green('✔ applied'),
  pending: cyan('• pending'),
  modified: yellow('⚠ modified since applied'),
  missing: red('✖ file missing'),
  'out-of-order': yellow('↯ out of order'),
};

export function appliedLines(verb: string, list: AppliedMigration[]): string[] {
  return list.map(
    (m) => `  ${verb} ${m.version}_${m.name} ${dim(`(${formatDuration(m.durationMs)}${m.noTransaction ? ', outside a transaction' : ''})`)}`,
  );
}
